package dev.tollgate.gateway.inbound;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.budget.BudgetGate;
import dev.tollgate.gateway.cache.CacheFront;
import dev.tollgate.gateway.exchange.Exchange;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.ratelimit.RateLimitGate;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.upstream.UpstreamCall;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The shared pipeline of every proxied {@link OpenAiApi} ({@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}): validate the body by the API's rules, check the key's model permission, the
 * environment, the model, the rate limits and the budgets, then hand the request to {@link UpstreamCall}, which routes it,
 * calls the endpoint (retrying on another before the first byte), relays the answer and records usage.
 * Everything here runs on the event loop and waits on nothing but the upstream, and, when no spend lease of a hard
 * budget covers a request, on the budget's owner for at most {@code tollgate.budgets.lease-wait} (docs/budgets.md).
 */
@Singleton
public class ApiHandler {

    private final EndpointRegistry endpoints;
    private final UpstreamCall upstream;
    private final RateLimitGate rateLimits;
    private final BudgetGate budgets;
    private final CacheFront cache;

    @Inject
    ApiHandler(EndpointRegistry endpoints, UpstreamCall upstream, RateLimitGate rateLimits, BudgetGate budgets,
               CacheFront cache) {
        this.cache = cache;
        this.endpoints = endpoints;
        this.upstream = upstream;
        this.rateLimits = rateLimits;
        this.budgets = budgets;
    }

    /** Handles a request to the exchange's API whose key was accepted and whose body was read within the limit. */
    public void handle(RoutingContext ctx, Exchange exchange) {
        Buffer raw = ctx.body().buffer(); // null, not empty, when the client sent no body at all
        RequestParser.Parsed parsed = RequestParser.parse(exchange.api(), raw == null ? new byte[0] : raw.getBytes());
        if (parsed instanceof RequestParser.Invalid invalid) {
            reject(ctx, exchange, invalid.error(), RequestStatus.CLIENT_ERROR);
            return;
        }
        ApiRequest request = ((RequestParser.Valid) parsed).request();
        exchange.request(request);
        if (!exchange.principal().mayUse(request.model())) {
            reject(ctx, exchange, new OpenAiError(ErrorCode.MODEL_NOT_ALLOWED, "This API key may not use the model '"
                    + request.model() + "'.", "model"), RequestStatus.REJECTED);
            return;
        }
        String environmentHeader = ctx.request().getHeader(Environment.HEADER);
        Environment environment = environmentHeader == null ? exchange.principal().environment()
                : Environment.parse(environmentHeader).orElse(null);
        if (environment == null) {
            reject(ctx, exchange, new OpenAiError(ErrorCode.INVALID_REQUEST, "The header " + Environment.HEADER
                    + " must be development, staging or production.", Environment.HEADER), RequestStatus.CLIENT_ERROR);
            return;
        }
        exchange.environment(environment);
        if (!exchange.principal().mayUse(environment)) {
            reject(ctx, exchange, environmentNotAllowed(environment), RequestStatus.REJECTED);
            return;
        }
        EvalHeaders.Parsed eval = EvalHeaders.parse(ctx.request());
        if (eval instanceof EvalHeaders.Invalid invalid) {
            reject(ctx, exchange, invalid.error(), RequestStatus.CLIENT_ERROR);
            return;
        }
        exchange.eval(((EvalHeaders.Valid) eval).marking());
        if (!endpoints.knows(request.model())) {
            reject(ctx, exchange, new OpenAiError(ErrorCode.MODEL_NOT_FOUND, "The model '" + request.model()
                    + "' does not exist or is not served by this gateway.", "model"), RequestStatus.CLIENT_ERROR);
            return;
        }
        if (!rateLimits.admit(ctx, exchange, request)) {
            return;
        }
        // A hit counts against the rate limits like any request, and skips the budgets: it costs nothing.
        if (cache.answer(ctx, exchange, request)) {
            return;
        }
        // Admitted at once from a lease held in memory, or after a bounded wait for one (never blocking the loop).
        budgets.admit(ctx, exchange, request, () -> upstream.start(ctx, exchange, request, environment));
    }

    /** The 403 for a key that may not send requests to {@code environment} (docs/security.md#environments). */
    static OpenAiError environmentNotAllowed(Environment environment) {
        return new OpenAiError(ErrorCode.ENVIRONMENT_NOT_ALLOWED, "This API key may not send requests to the "
                + environment.wireName() + " environment.", Environment.HEADER);
    }

    private static void reject(RoutingContext ctx, Exchange exchange, OpenAiError error, RequestStatus status) {
        error.send(ctx.response());
        exchange.fail(error, status);
    }
}
