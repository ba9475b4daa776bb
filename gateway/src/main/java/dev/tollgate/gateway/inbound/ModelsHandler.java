package dev.tollgate.gateway.inbound;

import dev.tollgate.gateway.auth.Authenticator;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import dev.tollgate.gateway.ratelimit.RateLimitGate;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * {@code GET /v1/models}: the models this key may use, in OpenAI's list shape
 * {@code {"object":"list","data":[{"id","object":"model","created","owned_by":"tollgate"}]}}. A model is listed
 * when an endpoint of it is registered in the request's environment (its {@code x-tollgate-environment} header,
 * else the key's environment), in any state, and the key's allowed models admit it, so a client never learns of
 * models it could not call. Answered from memory on the event loop; not a billed
 * request, so it records no usage event.
 */
@Singleton
public class ModelsHandler {

    static final String PATH = "/v1/models";

    private final Authenticator authenticator;
    private final EndpointRegistry endpoints;
    private final RateLimitGate rateLimits;
    /** The registry keeps no per-model creation time; the replica's start is a stable stand-in. */
    private final long created = Instant.now().getEpochSecond();

    @Inject
    ModelsHandler(Authenticator authenticator, EndpointRegistry endpoints, RateLimitGate rateLimits) {
        this.authenticator = authenticator;
        this.endpoints = endpoints;
        this.rateLimits = rateLimits;
    }

    /** Answers a request whose headers were checked; authenticates it like every other API request. */
    void handle(RoutingContext ctx) {
        Authenticator.Result result = authenticator.authenticate(ctx.request());
        if (result instanceof Authenticator.Rejected rejected) {
            rejected.error().send(ctx.response());
            return;
        }
        Principal principal = ((Authenticator.Authenticated) result).principal();
        rateLimits.quote(ctx, principal); // the key's limits as they stand; listing models charges nothing
        String header = ctx.request().getHeader(Environment.HEADER);
        Environment environment = header == null ? principal.environment() : Environment.parse(header).orElse(null);
        if (environment == null) {
            new OpenAiError(ErrorCode.INVALID_REQUEST, "The header " + Environment.HEADER
                    + " must be development, staging or production.", Environment.HEADER).send(ctx.response());
            return;
        }
        if (!principal.mayUse(environment)) {
            ApiHandler.environmentNotAllowed(environment).send(ctx.response());
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(list(principal, environment).toBuffer());
    }

    /** The list body for {@code principal}: models of {@code environment} the key may use, sorted by id. */
    JsonObject list(Principal principal, Environment environment) {
        JsonArray data = new JsonArray();
        for (String model : endpoints.models()) {
            if (principal.mayUse(model)
                    && endpoints.endpoints(model).stream().anyMatch(e -> e.environment() == environment)) {
                data.add(new JsonObject().put("id", model).put("object", "model").put("created", created)
                        .put("owned_by", "tollgate"));
            }
        }
        return new JsonObject().put("object", "list").put("data", data);
    }
}
