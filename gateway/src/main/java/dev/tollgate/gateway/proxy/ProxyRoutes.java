package dev.tollgate.gateway.proxy;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Authenticator;
import dev.tollgate.gateway.config.GatewayConfig;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible routes, on Vert.x directly: the hot path pays for no framework layer it does not use.
 * Order per request: authenticate from headers (no body read yet), read the body within the limit, then the
 * API handler. Every failure on these routes answers in the OpenAI error shape.
 */
@ApplicationScoped
public class ProxyRoutes {

    private static final Logger LOG = Logger.getLogger(ProxyRoutes.class);
    private static final String EXCHANGE = "tollgate.exchange";

    private final Authenticator authenticator;
    private final UsageRecorder recorder;
    private final ChatCompletionsHandler chat;
    private final long maxBodyBytes;
    private final int maxHeaderBytes;

    @Inject
    ProxyRoutes(Authenticator authenticator, UsageRecorder recorder, ChatCompletionsHandler chat,
                GatewayConfig config) {
        this.authenticator = authenticator;
        this.recorder = recorder;
        this.chat = chat;
        this.maxBodyBytes = config.limits().maxBodyBytes();
        this.maxHeaderBytes = config.limits().maxHeaderBytes();
    }

    void register(@Observes Router router) {
        // Two routes on one path: Vert.x requires the body handler to lead its route, and authentication must
        // run before any of the body is read.
        router.post(ChatCompletionsHandler.API_PATH).handler(this::authenticate);
        router.post(ChatCompletionsHandler.API_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                .handler(ctx -> chat.handle(ctx, ctx.get(EXCHANGE)))
                .failureHandler(this::failed);
        router.route(ChatCompletionsHandler.API_PATH).handler(ctx -> OpenAiError.of(ErrorCode.METHOD_NOT_ALLOWED,
                ctx.request().method() + " is not supported here; use POST.").send(ctx.response()));
    }

    void warmUp(@Observes StartupEvent ignored) {
        TokenEstimator.count("warm up the tokenizer before the first request");
    }

    private void authenticate(RoutingContext ctx) {
        String requestId = requestId(ctx);
        ctx.response().putHeader("x-request-id", requestId);
        if (headerBytes(ctx) > maxHeaderBytes) {
            OpenAiError.of(ErrorCode.HEADERS_TOO_LARGE, "The request headers are larger than the limit of "
                    + maxHeaderBytes + " bytes.").send(ctx.response());
            return;
        }
        Authenticator.Result result = authenticator.authenticate(ctx.request());
        if (result instanceof Authenticator.Authenticated ok) {
            ctx.put(EXCHANGE, new Exchange(recorder, requestId, ok.principal()));
            ctx.next();
        } else {
            ((Authenticator.Rejected) result).error().send(ctx.response());
        }
    }

    /** Failures raised while reading the body (too large, connection broken) or by a bug in a handler. */
    private void failed(RoutingContext ctx) {
        Exchange exchange = ctx.get(EXCHANGE);
        OpenAiError error = switch (ctx.statusCode()) {
            case 413 -> OpenAiError.of(ErrorCode.REQUEST_TOO_LARGE, "The request body is larger than the limit of "
                    + maxBodyBytes + " bytes.");
            case 400 -> OpenAiError.of(ErrorCode.INVALID_REQUEST, "The request could not be read.");
            default -> {
                LOG.errorf(ctx.failure(), "request failed request_id=%s", exchange == null ? "-" : exchange.requestId());
                yield OpenAiError.of(ErrorCode.INTERNAL_ERROR, "The gateway failed to process the request.");
            }
        };
        error.send(ctx.response());
        if (exchange != null) {
            exchange.fail(error, error.code().status() < 500 ? RequestStatus.CLIENT_ERROR : RequestStatus.UPSTREAM_ERROR);
        }
    }

    private static int headerBytes(RoutingContext ctx) {
        int total = 0;
        for (var header : ctx.request().headers()) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        return total;
    }

    private static String requestId(RoutingContext ctx) {
        String given = ctx.request().getHeader("x-request-id");
        return given != null && given.length() <= 128 && given.matches("[A-Za-z0-9._:-]+")
                ? given : UUID.randomUUID().toString();
    }
}
