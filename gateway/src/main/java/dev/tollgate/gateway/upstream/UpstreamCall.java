package dev.tollgate.gateway.upstream;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Router;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Serves one request from the endpoints of its model: choose an endpoint ({@link Router}), make an
 * {@link Attempt} there, and when that attempt failed before any byte reached the client, choose another. The
 * attempt relays the answer and settles the request. Everything runs on the request's event loop.
 *
 * <p>The work is split by responsibility: this class routes and retries across attempts; {@link Attempt} is one
 * call to one endpoint, from sending to relaying; {@link AnswerUsage} counts the tokens of what came back.
 */
@Singleton
public class UpstreamCall {

    /** HTTP status recorded (never sent) when the client went away first, as nginx does. */
    static final int CLIENT_CLOSED = 499;
    private static final Logger LOG = Logger.getLogger(UpstreamCall.class);

    private final Router router;
    private final UpstreamClient upstream;
    private final Vertx vertx;

    @Inject
    UpstreamCall(Router router, UpstreamClient upstream, Vertx vertx) {
        this.router = router;
        this.upstream = upstream;
        this.vertx = vertx;
    }

    /** Serves {@code request} from an endpoint of its model in {@code environment}; ends the exchange. */
    public void start(RoutingContext ctx, Exchange exchange, ApiRequest request, Environment environment) {
        exchange.upstreamStarted();
        new Call(ctx, exchange, request, environment).next(null);
    }

    /** One request across its attempts. Attempts read what they need from it and call {@link #next} to retry. */
    final class Call {
        final RoutingContext ctx;
        final Exchange exchange;
        final ApiRequest request;
        /** What every attempt sends: the client's body, with usage asked for when it streams. */
        final Buffer body;
        final long timeoutMs;
        private final Environment environment;
        private final List<String> tried = new ArrayList<>(2);
        private int attempts;
        private Attempt current;

        Call(RoutingContext ctx, Exchange exchange, ApiRequest request, Environment environment) {
            this.ctx = ctx;
            this.exchange = exchange;
            this.request = request;
            this.environment = environment;
            Buffer override = exchange.bodyOverride();
            this.body = request.stream() ? AnswerUsage.withUsageRequested(request)
                    : override != null ? override : ctx.body().buffer();
            this.timeoutMs = router.requestTimeout(request.model()).toMillis();
            // The only close handler of the response: RoutingContext.addEndHandler would replace it, so every
            // attempt settles its own lease on each way it ends, and its timer guarantees that one of them comes.
            ctx.response().closeHandler(v -> clientGone());
        }

        Vertx vertx() {
            return vertx;
        }

        UpstreamClient client() {
            return upstream;
        }

        /** Whether an attempt that failed as attempt {@code number} may be followed by another. */
        boolean mayRetry(int number, boolean clientSawBytes) {
            return router.retryPolicy().mayRetry(number, clientSawBytes);
        }

        /** Starts the next attempt, or ends the request with {@code last} when no endpoint is left. */
        void next(Attempt last) {
            if (exchange.isFinished()) {
                return;
            }
            long routeStart = System.nanoTime();
            Router.Selection selection = router.select(request.model(), environment, tried);
            if (selection instanceof Router.Chosen chosen) {
                attempts++;
                Endpoint endpoint = chosen.lease().endpoint();
                exchange.trace().span("route", routeStart, System.nanoTime(), true, Map.of(
                        "tollgate.endpoint_id", endpoint.id(), "tollgate.attempt", Integer.toString(attempts)));
                tried.add(endpoint.id());
                exchange.attempt(attempts);
                exchange.endpoint(endpoint);
                current = new Attempt(this, chosen.lease(), attempts);
                current.start();
                return;
            }
            exchange.trace().span("route", routeStart, System.nanoTime(), false);
            if (last != null) {
                last.giveUp();
            } else if (selection instanceof Router.NotServed) {
                reject(new OpenAiError(ErrorCode.MODEL_NOT_FOUND, "The model '" + request.model()
                        + "' is not served in the " + environment.wireName() + " environment.", "model"),
                        RequestStatus.CLIENT_ERROR);
            } else {
                LOG.warnf("no healthy endpoint request_id=%s model=%s environment=%s", exchange.requestId(),
                        request.model(), environment.wireName());
                reject(OpenAiError.of(ErrorCode.NO_HEALTHY_ENDPOINT, "No endpoint of the model '" + request.model()
                        + "' is available right now. Retry the request later."), RequestStatus.UPSTREAM_ERROR);
            }
        }

        private void reject(OpenAiError error, RequestStatus status) {
            error.send(ctx.response());
            exchange.fail(error, status);
        }

        /**
         * The client connection closed. That is a cancellation only while the answer is still being written: a
         * connection may also close as part of ending a complete response, which must still count as answered.
         * The cancelled request is billed for what its endpoint had been asked to do ({@link Attempt#abandon}).
         */
        private void clientGone() {
            if (!ctx.response().ended() && !exchange.isFinished()) {
                TokenUsage used = current == null ? TokenUsage.NONE : current.abandon();
                exchange.finish(RequestStatus.CANCELLED, CLIENT_CLOSED, "client_closed", used);
            }
        }
    }
}
