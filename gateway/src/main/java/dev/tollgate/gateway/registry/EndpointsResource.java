package dev.tollgate.gateway.registry;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.admin.UniqueViolation;
import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.routing.EndpointHealth;
import dev.tollgate.gateway.routing.Router;
import dev.tollgate.gateway.routing.VllmReading;
import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import dev.tollgate.gateway.secrets.SecretUnavailable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The model registry: {@code /admin/v1/endpoints}. Registers, lists, enables, disables, drains and deregisters
 * upstream endpoints. Each change is committed to PostgreSQL and published to {@code tollgate.endpoints.v1}
 * before it is answered; replicas route to an endpoint only while it is {@code ready} and of their environment.
 * The upstream API key is write-only: no answer ever contains it. Each endpoint is shown with this replica's
 * live health of it (up, breaker, outstanding), read from the router's memory.
 */
@Path("/admin/v1/endpoints")
@Produces(MediaType.APPLICATION_JSON)
public class EndpointsResource {

    private static final Logger LOG = Logger.getLogger(EndpointsResource.class);
    static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");
    static final Set<String> STATUSES = Set.of("ready", "disabled", "draining");
    private static final Pattern ANY = Pattern.compile("(?s).{1,4000}");
    private static final long MAX_PRICE = 1_000_000_000_000L;

    private final EndpointStateFeed feed;
    private final Router router;
    private final SecretSealer sealer;

    @Inject
    EndpointsResource(EndpointStateFeed feed, Router router, SecretSealer sealer) {
        this.feed = feed;
        this.router = router;
        this.sealer = sealer;
    }

    /**
     * An endpoint as the admin API shows it. There is deliberately no field for the upstream API key, only
     * whether one is set.
     *
     * @param id                          stable id, as in usage events
     * @param object                      always {@code endpoint}
     * @param model                       the model name clients ask for
     * @param environment                 development, staging or production
     * @param baseUrl                     base URL: a server's root or a provider's OpenAI API root
     *                                    ({@code Endpoint#path})
     * @param hasUpstreamApiKey           whether the gateway sends an upstream API key
     * @param upstreamKeyKekId            id of the key-encryption key its upstream key is sealed with, or null
     * @param weight                      relative share of the model's traffic
     * @param status                      ready, disabled or draining
     * @param inputPricePerMillionMicros  price of one million prompt tokens, in micro-dollars
     * @param outputPricePerMillionMicros price of one million completion tokens, in micro-dollars
     * @param priceVersion                version of the price, recorded on usage events
     * @param maxContext                  context window in tokens, or null
     * @param createdAt                   registration time
     * @param health                      this replica's live view of it, or null when the replica holds no
     *                                    routing state for it (disabled, draining, another environment, not yet
     *                                    propagated)
     * @param unavailableReason           why this replica does not route to it although it is ready in its
     *                                    environment (its upstream key cannot be opened here), or null
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EndpointView(String id, String object, String model, String environment, String baseUrl,
                               boolean hasUpstreamApiKey, String upstreamKeyKekId, int weight, String status,
                               long inputPricePerMillionMicros, long outputPricePerMillionMicros, int priceVersion,
                               Integer maxContext, Instant createdAt, LiveHealth health, String unavailableReason) {
        static EndpointView of(EndpointEntity e, LiveHealth health, String unavailableReason) {
            return new EndpointView(e.id, "endpoint", e.model, e.environment, e.baseUrl, e.upstreamKeyEnvelope != null,
                    e.upstreamKeyKekId, e.weight, e.status, e.inputPricePerMillionMicros,
                    e.outputPricePerMillionMicros, e.priceVersion, e.maxContext, e.createdAt, health,
                    unavailableReason);
        }
    }

    /**
     * What the answering replica's router knows of an endpoint right now ({@link Router#health()}). Each
     * replica keeps its own health checks and breakers, so two replicas may answer differently.
     *
     * @param up          whether its health checks pass
     * @param breaker     circuit breaker state: {@code closed}, {@code open} or {@code half_open}
     * @param outstanding requests in flight on it from this replica
     * @param routable    whether this replica would send it a request right now
     * @param dispatched  attempts this replica has sent it since it started (retries included)
     * @param loadPenalty the load its own metrics add to the choice, in outstanding requests (0 when not read)
     * @param vllm        the last load read from its {@code /metrics}, or null when none is known
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LiveHealth(boolean up, String breaker, int outstanding, boolean routable, long dispatched,
                             double loadPenalty, VllmView vllm) {
        static LiveHealth of(EndpointHealth h) {
            return new LiveHealth(h.up(), h.breaker().name().toLowerCase(Locale.ROOT), h.outstanding(), h.routable(),
                    h.dispatched(), h.loadPenalty(), VllmView.of(h.vllm()));
        }
    }

    /**
     * The load vLLM itself reports on {@code /metrics}, as this replica last read it
     * ({@code tollgate.routing.load-metrics.enabled}).
     *
     * @param numRequestsWaiting requests queued in vLLM ({@code vllm:num_requests_waiting})
     * @param kvCacheUsage       KV-cache usage between 0 and 1 ({@code vllm:gpu_cache_usage_perc})
     * @param readAt             when it was read
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record VllmView(double numRequestsWaiting, double kvCacheUsage, Instant readAt) {
        static VllmView of(VllmReading reading) {
            return reading == null ? null : new VllmView(reading.load().waiting(), reading.load().kvCacheUsage(),
                    Instant.ofEpochMilli(reading.readAtMs()));
        }
    }

    /** The view of {@code e} with the live health this replica has for it. */
    private EndpointView view(EndpointEntity e) {
        return EndpointView.of(e, liveHealth().get(e.id), feed.unavailableReason(e.id));
    }

    Map<String, LiveHealth> liveHealth() {
        Map<String, LiveHealth> byId = new HashMap<>();
        for (EndpointHealth h : router.health()) {
            byId.put(h.id(), LiveHealth.of(h));
        }
        return byId;
    }

    /**
     * Registers an endpoint. Required: {@code model}, {@code base_url}. Optional: {@code id}, {@code environment}
     * (production), {@code upstream_api_key}, {@code weight} (1), {@code status} (ready), the two prices (0),
     * {@code price_version} (1), {@code max_context}. 409 when (model, environment, base_url) is registered.
     */
    @POST
    public Uni<RestResponse<EndpointView>> register(String raw) {
        JsonBody body = JsonBody.parse(raw);
        EndpointEntity e = new EndpointEntity();
        e.id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("ep_"));
        e.model = body.requiredText("model", JsonBody.MODEL, "a model name of letters, digits and ._:/@+-");
        e.environment = body.optionalChoice("environment", ENVIRONMENTS).orElse("production");
        e.baseUrl = baseUrl(body.requiredText("base_url", ANY, "an http(s) URL"));
        body.optionalName("upstream_api_key", 4000).map(key -> seal(e.id, key)).ifPresent(sealed -> {
            e.upstreamKeyKekId = sealed.kekId();
            e.upstreamKeyEnvelope = sealed.envelope();
        });
        e.weight = body.optionalLong("weight", 1, 10_000).orElse(1L).intValue();
        e.status = body.optionalChoice("status", STATUSES).orElse("ready");
        e.inputPricePerMillionMicros = body.optionalLong("input_price_per_million_micros", 0, MAX_PRICE).orElse(0L);
        e.outputPricePerMillionMicros = body.optionalLong("output_price_per_million_micros", 0, MAX_PRICE).orElse(0L);
        e.priceVersion = body.optionalLong("price_version", 1, Integer.MAX_VALUE).orElse(1L).intValue();
        e.maxContext = body.optionalLong("max_context", 1, Integer.MAX_VALUE).map(Long::intValue).orElse(null);
        e.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String duplicate = "An endpoint for model '" + e.model + "' in " + e.environment + " at " + e.baseUrl
                + " is already registered.";
        return Panache.withTransaction(() -> EndpointEntity.findById(e.id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "An endpoint with id '" + e.id
                                        + "' already exists."))
                                : EndpointEntity.count("model = ?1 and environment = ?2 and baseUrl = ?3", e.model,
                                        e.environment, e.baseUrl))
                        .flatMap(same -> same > 0 ? Uni.createFrom().failure(AdminException.conflict("base_url", duplicate))
                                : e.<EndpointEntity>persist()))
                .onFailure(UniqueViolation::test).transform(x -> AdminException.conflict("base_url", duplicate))
                .call(created -> feed.publish(created))
                .invoke(created -> LOG.infof("endpoint registered endpoint=%s model=%s environment=%s status=%s",
                        created.id, created.model, created.environment, created.status))
                .map(created -> RestResponse.status(Response.Status.CREATED, view(created)));
    }

    /**
     * Every endpoint, optionally of one {@code model} and/or {@code environment}; never an upstream API key. The
     * registry is small (one row per served replica), so it is filtered in memory.
     */
    @GET
    public Uni<ListView<EndpointView>> list(@QueryParam("model") String model,
                                            @QueryParam("environment") String environment) {
        return Panache.withSession(() -> EndpointEntity.<EndpointEntity>list("order by model, id"))
                .map(all -> {
                    Map<String, LiveHealth> health = liveHealth();
                    return ListView.of(all.stream()
                            .filter(e -> model == null || e.model.equals(model))
                            .filter(e -> environment == null || e.environment.equals(environment))
                            .map(e -> EndpointView.of(e, health.get(e.id), feed.unavailableReason(e.id))).toList());
                });
    }

    /** Puts an endpoint back into rotation. */
    @POST
    @Path("/{id}/enable")
    public Uni<EndpointView> enable(@PathParam("id") String id, RoutingContext ctx) {
        return setStatus(id, "ready", ctx);
    }

    /** Takes an endpoint out of rotation at once. */
    @POST
    @Path("/{id}/disable")
    public Uni<EndpointView> disable(@PathParam("id") String id, RoutingContext ctx) {
        return setStatus(id, "disabled", ctx);
    }

    /** Sends no new requests to an endpoint; requests in flight finish normally. */
    @POST
    @Path("/{id}/drain")
    public Uni<EndpointView> drain(@PathParam("id") String id, RoutingContext ctx) {
        return setStatus(id, "draining", ctx);
    }

    /** Deregisters an endpoint: its row is deleted and its tombstone published. */
    @DELETE
    @Path("/{id}")
    public Uni<EndpointView> deregister(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id).invoke(e -> AuditNotes.before(ctx, view(e)))
                        .call(e -> e.delete()))
                .call(e -> feed.publishRemoval(e.id))
                .invoke(e -> LOG.infof("endpoint deregistered endpoint=%s model=%s", e.id, e.model))
                .map(this::view);
    }

    private Uni<EndpointView> setStatus(String id, String status, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id).invoke(e -> {
                    AuditNotes.before(ctx, view(e));
                    e.status = status;
                }))
                .call(e -> feed.publish(e))
                .invoke(e -> LOG.infof("endpoint status changed endpoint=%s status=%s", e.id, e.status))
                .map(this::view);
    }

    /** Seals an upstream key for the endpoint {@code id}; 503 {@code secrets_unavailable} when no KEK is held. */
    private SealedSecret seal(String id, String upstreamKey) {
        try {
            return sealer.seal(upstreamKey, EndpointRecords.secretContext(id));
        } catch (SecretUnavailable e) {
            throw new AdminException(ErrorCode.SECRETS_UNAVAILABLE, "The upstream API key cannot be stored: "
                    + e.getMessage() + ". See docs/security.md#secrets.", "upstream_api_key");
        }
    }

    static Uni<EndpointEntity> require(String id) {
        return EndpointEntity.<EndpointEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("endpoint", id));
    }

    /** Validates a base URL: http(s), a host, no query or fragment; trailing slashes removed. */
    static String baseUrl(String raw) {
        try {
            URI uri = new URI(raw.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
                    || uri.getUserInfo() != null) {
                throw AdminException.invalid("base_url", "'base_url' must be an http(s) URL with a host and no "
                        + "query, fragment or credentials, e.g. http://vllm-1:8000.");
            }
            return uri.toString().replaceAll("/+$", "");
        } catch (URISyntaxException ex) {
            throw AdminException.invalid("base_url", "'base_url' is not a valid URL.");
        }
    }
}
