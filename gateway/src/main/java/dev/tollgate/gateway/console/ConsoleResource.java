package dev.tollgate.gateway.console;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminAccess;
import dev.tollgate.gateway.admin.AdminActor;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.openai.ErrorCode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The web console's own API, {@code /admin/v1/console}: everything the console needs that the rest of the admin
 * API does not already answer. It is under {@code /admin/}, so the admin filter guards it; every call is a GET,
 * so the read-only token opens it too. The console's page and scripts ({@code /console/}) carry no data and are
 * served without a token.
 */
@Path("/admin/v1/console")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleResource {

    private final AdminAccess access;
    private final StreamsQuery streams;
    private final UsageFeed feed;
    private final ConsoleConfig config;

    @Inject
    ConsoleResource(AdminAccess access, StreamsQuery streams, UsageFeed feed, ConsoleConfig config) {
        this.access = access;
        this.streams = streams;
        this.feed = feed;
        this.config = config;
    }

    /**
     * What the presented token may do and what this replica can show.
     *
     * @param object  always {@code console.session}
     * @param access  {@code admin} or {@code read_only}
     * @param streams whether a streams query API is configured (spend, usage and health charts)
     * @param feed    whether the live feed is enabled
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Session(String object, String access, boolean streams, boolean feed) {
    }

    /** Checks a token at sign-in, and tells the console which panels can work. */
    @GET
    @Path("/session")
    public Session session(@HeaderParam("Authorization") String authorization, RoutingContext ctx) {
        AdminActor actor = AdminActor.of(ctx);
        String level = actor != null ? actor.role()
                : access.of(authorization) == AdminAccess.Level.ADMIN ? "admin" : "read_only";
        return new Session("console.session", level, streams.configured(), config.feed().enabled());
    }

    /**
     * The streams app's usage rollups ({@code GET /v1/usage}, docs/streams.md), passed through: the same parameters
     * and the same answer.
     */
    @GET
    @Path("/usage")
    public Uni<Response> usage(@Context UriInfo uri) {
        return relay("/v1/usage", uri, "org", "model", "key", "team", "endpoint", "from", "to", "granularity");
    }

    /**
     * The streams app's alerts ({@code GET /v1/alerts}, docs/alerts.md#querying-alerts), passed through; the console
     * marks the silenced ones with {@code /admin/v1/silences}.
     */
    @GET
    @Path("/alerts")
    public Uni<Response> alerts(@Context UriInfo uri) {
        return relay("/v1/alerts", uri, "state", "rule", "org", "model", "endpoint", "budget");
    }

    /**
     * The streams app's comparison of two eval runs, or of two models of one run ({@code GET /v1/evals/compare},
     * docs/evals.md#comparison), passed through.
     */
    @GET
    @Path("/eval-compare")
    public Uni<Response> evalCompare(@Context UriInfo uri) {
        return relay("/v1/evals/compare", uri, "run", "a_run", "b_run", "a_model", "b_model");
    }

    /** The streams app's state of one budget ({@code GET /v1/budgets/{id}}), passed through. */
    @GET
    @Path("/budget-states/{id}")
    public Uni<Response> budgetState(@PathParam("id") String id) {
        if (!id.matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw AdminException.invalid("id", "A budget id is letters, digits and _.:- only.");
        }
        return streams.get("/v1/budgets/" + id, Map.of());
    }

    /**
     * The live feed as server-sent events: a {@code hello} batch with the recent requests, then a batch of what
     * arrived at most every {@code batch-interval}, and a heartbeat after 15 s without any. Each event's data is
     * one {@link LiveBatch} as JSON.
     */
    @GET
    @Path("/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LiveBatch> live() {
        if (!config.feed().enabled()) {
            throw new AdminException(ErrorCode.NOT_FOUND, "The live feed is disabled (tollgate.console.feed.enabled).",
                    null);
        }
        Duration interval = config.feed().batchInterval();
        long heartbeatTicks = Math.max(1, Duration.ofSeconds(15).toMillis() / Math.max(1, interval.toMillis()));
        return Multi.createFrom().deferred(() -> {
            UsageFeed.Subscriber subscriber = feed.subscribe();
            long[] quiet = {0};
            // Mutiny forbids null items: a quiet tick maps to an empty Optional, and only present batches are sent.
            Multi<LiveBatch> batches = Multi.createFrom().ticks().every(interval).onOverflow().drop()
                    .map(tick -> {
                        List<LiveUsage> events = subscriber.drain();
                        long dropped = subscriber.takeDropped();
                        if (events.isEmpty() && dropped == 0) {
                            return ++quiet[0] % heartbeatTicks == 0
                                    ? Optional.of(new LiveBatch("heartbeat", Instant.now(), List.of(), 0))
                                    : Optional.<LiveBatch>empty();
                        }
                        quiet[0] = 0;
                        return Optional.of(new LiveBatch("usage", Instant.now(), events, dropped));
                    })
                    .filter(Optional::isPresent).map(Optional::get);
            return Multi.createBy().concatenating()
                    .streams(Multi.createFrom().item(() -> new LiveBatch("hello", Instant.now(), subscriber.drain(),
                            subscriber.takeDropped())), batches)
                    .onTermination().invoke(() -> feed.unsubscribe(subscriber));
        });
    }

    /**
     * Passes a GET through to the streams app with only the named query parameters (the first value of each), so
     * that the console cannot reach anything the streams API would not answer to these parameters.
     */
    private Uni<Response> relay(String path, UriInfo uri, String... names) {
        MultivaluedMap<String, String> given = uri.getQueryParameters();
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : names) {
            query.put(name, given.getFirst(name));
        }
        return streams.get(path, query);
    }
}
