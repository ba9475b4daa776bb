package dev.tollgate.gateway.inbound;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Authenticator;
import dev.tollgate.gateway.auth.UnauthenticatedRequests;
import dev.tollgate.gateway.events.EventAdmission;
import dev.tollgate.gateway.events.EventIds;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.TokenEstimator;
import dev.tollgate.gateway.ratelimit.RateLimitGate;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The OpenAI-compatible routes, on Vert.x directly: the hot path pays for no framework layer it does not use.
 * Every {@link OpenAiApi} gets the same chain: authenticate from headers (no body read yet), read the body
 * within the limit, then {@link ApiHandler}. {@code GET /v1/models} is answered from memory by
 * {@link ModelsHandler}. Every failure on these routes answers in the OpenAI error shape.
 */
@Singleton
public class ApiRoutes {

    private static final Logger LOG = Logger.getLogger(ApiRoutes.class);
    private static final String EXCHANGE = "tollgate.exchange";

    private final Authenticator authenticator;
    private final UsageRecorder recorder;
    private final ApiHandler handler;
    private final ModelsHandler models;
    private final long maxBodyBytes;
    private final int maxHeaderBytes;
    private final EventAdmission events;
    private final RateLimitGate rateLimits;
    private final UnauthenticatedRequests unauthenticated;

    @Inject
    ApiRoutes(Authenticator authenticator, UsageRecorder recorder, ApiHandler handler, ModelsHandler models,
                LimitsConfig limits, EventAdmission events, RateLimitGate rateLimits,
                UnauthenticatedRequests unauthenticated) {
        this.handler = handler;
        this.rateLimits = rateLimits;
        this.unauthenticated = unauthenticated;
        this.models = models;
        this.events = events;
        this.authenticator = authenticator;
        this.recorder = recorder;
        this.maxBodyBytes = limits.maxBodyBytes();
        this.maxHeaderBytes = limits.maxHeaderBytes();
    }

    void register(@Observes Router router) {
        for (OpenAiApi api : OpenAiApi.values()) {
            // Two routes on one path: Vert.x requires the body handler to lead its route, and authentication
            // must run before any of the body is read.
            router.post(api.path()).handler(ctx -> authenticate(ctx, api));
            router.post(api.path())
                    .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
                    .handler(ctx -> handler.handle(ctx, ctx.get(EXCHANGE)))
                    .failureHandler(this::failed);
            router.route(api.path()).handler(ctx -> methodNotAllowed(ctx, "POST"));
        }
        router.get(ModelsHandler.PATH).handler(ctx -> {
            if (headersAccepted(ctx)) {
                models.handle(ctx);
            }
        });
        router.route(ModelsHandler.PATH).handler(ctx -> methodNotAllowed(ctx, "GET"));
    }

    private void methodNotAllowed(RoutingContext ctx, String allowed) {
        unauthenticated.refused(ErrorCode.METHOD_NOT_ALLOWED);
        OpenAiError.of(ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not supported here; use "
                + allowed + ".").send(ctx.response());
    }

    void warmUp(@Observes StartupEvent ignored) {
        TokenEstimator.count("warm up the tokenizer before the first request");
    }

    private void authenticate(RoutingContext ctx, OpenAiApi api) {
        long start = System.nanoTime();
        if (!headersAccepted(ctx)) {
            return;
        }
        String requestId = ctx.response().headers().get("x-request-id");
        Trace trace = Trace.start(ctx.request().getHeader("traceparent"), start);
        Authenticator.Result result = authenticator.authenticate(ctx.request());
        if (result instanceof Authenticator.Authenticated ok) {
            trace.span("auth", start, System.nanoTime(), true);
            // From here on every answer, refusals included (413, 503, 400), carries the key's limits.
            rateLimits.quote(ctx, ok.principal());
            Exchange exchange = new Exchange(recorder, api, requestId, ok.principal(), trace);
            ctx.put(EXCHANGE, exchange);
            if (!events.admits()) {
                // Fail closed: without room for its usage event, no request may cause billed work.
                OpenAiError error = OpenAiError.of(ErrorCode.EVENTS_UNAVAILABLE, "The gateway cannot record usage "
                        + "right now (its event buffer is full), so it does not serve requests. Retry shortly.");
                ctx.response().putHeader("retry-after", "5");
                error.send(ctx.response());
                exchange.fail(error, RequestStatus.REJECTED);
                return;
            }
            ctx.next();
        } else {
            ((Authenticator.Rejected) result).error().send(ctx.response());
        }
    }

    /**
     * Gives the response its {@code x-request-id} (the client's when well-formed, else a new one) and refuses
     * headers over the limit with 431; false when the answer has been sent.
     */
    private boolean headersAccepted(RoutingContext ctx) {
        ctx.response().putHeader("x-request-id", requestId(ctx));
        if (headerBytes(ctx) > maxHeaderBytes) {
            unauthenticated.refused(ErrorCode.HEADERS_TOO_LARGE);
            OpenAiError.of(ErrorCode.HEADERS_TOO_LARGE, "The request headers are larger than the limit of "
                    + maxHeaderBytes + " bytes.").send(ctx.response());
            return false;
        }
        return true;
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

    /** The client's {@code x-request-id} when it is 1 to 128 of {@code [A-Za-z0-9._:-]}, else a new UUID. */
    static String requestId(RoutingContext ctx) {
        String given = ctx.request().getHeader("x-request-id");
        return given != null && isWellFormedRequestId(given) ? given : EventIds.newId();
    }

    /** Checked by hand: a regular expression here would be compiled again for every request. */
    static boolean isWellFormedRequestId(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
