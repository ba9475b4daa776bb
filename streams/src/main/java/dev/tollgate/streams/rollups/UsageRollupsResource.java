package dev.tollgate.streams.rollups;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.streams.query.ApiError;
import dev.tollgate.streams.query.OwnerRouting;
import dev.tollgate.streams.query.RemoteQueryClient;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /v1/usage?org=&model=&key=&team=&endpoint=&from=&to=&granularity=1m|1h|1d}: the rollup windows of one
 * rollup key whose start is in {@code [from, to]}, oldest first; windows without usage are left out.
 * <ul>
 *   <li>The key is {@code endpoint} alone, or {@code org} alone, or {@code org} with one of {@code model},
 *       {@code key} and {@code team}.</li>
 *   <li>{@code from} and {@code to} are ISO-8601 instants; {@code granularity} defaults to {@code 1h}. At most
 *       {@value #MAX_WINDOWS} windows may be asked for at once.</li>
 *   <li>400 ({@code invalid_request}) for a bad combination or value; 503 ({@code usage_unavailable}) with
 *       {@code Retry-After} while the stores cannot be queried.</li>
 * </ul>
 */
@Path("/v1/usage")
@Produces(MediaType.APPLICATION_JSON)
public class UsageRollupsResource {

    static final int MAX_WINDOWS = 10_000;

    private final KafkaStreams streams;
    private final OwnerRouting routing;

    @Inject
    public UsageRollupsResource(KafkaStreams streams, OwnerRouting routing) {
        this.streams = streams;
        this.routing = routing;
    }

    /**
     * The answer: a list of windows, in the manner of OpenAI list objects.
     *
     * @param object      always {@code list}
     * @param granularity the window size asked for
     * @param key         the rollup key, see {@link RollupKey}
     * @param data        the windows with usage, oldest first
     */
    public record RollupList(
            @JsonProperty("object") String object,
            @JsonProperty("granularity") String granularity,
            @JsonProperty("key") String key,
            @JsonProperty("data") List<RollupView> data) {
    }

    @GET
    @Blocking
    @Operation(summary = "Usage rollups (requests, errors, tokens, cost, latency and TTFT percentiles) per window")
    public Response usage(@QueryParam("org") String org, @QueryParam("model") String model,
            @QueryParam("key") String key, @QueryParam("team") String team,
            @QueryParam("endpoint") String endpoint, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("granularity") String granularity,
            @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        Optional<Granularity> size = Granularity.ofLabel(granularity == null ? "1h" : granularity);
        if (size.isEmpty()) {
            return badRequest("granularity", "granularity must be 1m, 1h or 1d");
        }
        Optional<Instant> start = instant(from);
        if (start.isEmpty()) {
            return badRequest("from", "from is a required ISO-8601 instant, e.g. 2026-11-22T06:00:00Z");
        }
        Optional<Instant> end = instant(to);
        if (end.isEmpty()) {
            return badRequest("to", "to is a required ISO-8601 instant, e.g. 2026-11-22T07:00:00Z");
        }
        return usage(org, new Within(model, key, team), endpoint, start.get(), end.get(), size.get(),
                forwardedBy != null, uri);
    }

    private Response usage(String org, Within within, String endpoint, Instant start, Instant end,
            Granularity size, boolean forwarded, UriInfo uri) {
        if (end.isBefore(start)) {
            return badRequest("to", "to must not be before from");
        }
        if ((end.toEpochMilli() - start.toEpochMilli()) / size.size().toMillis() >= MAX_WINDOWS) {
            return badRequest("from", "at most " + MAX_WINDOWS + " windows can be asked for at once");
        }
        Selection selection;
        if (endpoint != null) {
            if (org != null || within.count() > 0) {
                return badRequest("endpoint", "endpoint cannot be combined with org, model, key or team");
            }
            selection = new Selection(RollupGroup.ENDPOINT, endpoint, RollupKey.endpoint(endpoint));
        } else if (org == null) {
            return badRequest("org", "org or endpoint is required");
        } else if (within.count() > 1) {
            return badRequest(within.model() != null ? "model" : "key", "model, key and team cannot be combined: "
                    + "rollups are per org, per (org, model), per (org, key) and per (org, team)");
        } else {
            String rollupKey = within.model() != null ? RollupKey.orgModel(org, within.model())
                    : within.key() != null ? RollupKey.orgKey(org, within.key())
                    : within.team() != null ? RollupKey.orgTeam(org, within.team()) : RollupKey.org(org);
            selection = new Selection(RollupGroup.ORG, org, rollupKey);
        }
        String store = selection.group().storeName(size);
        String pathAndQuery = uri.getRequestUri().getRawPath() + "?" + uri.getRequestUri().getRawQuery();
        return routing.route(store, selection.partitionKey(), forwarded, pathAndQuery,
                reason -> ApiError.unavailable("Usage rollups", "usage_unavailable", reason),
                () -> Response.ok(read(store, size, selection.rollupKey(), start, end)).build());
    }

    private RollupList read(String storeName, Granularity size, String rollupKey, Instant from, Instant to) {
        ReadOnlyWindowStore<String, Rollup> store = streams.store(
                StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.windowStore()));
        List<RollupView> windows = new ArrayList<>();
        Instant alignedFrom = Instant.ofEpochMilli(size.windowStart(from.toEpochMilli()));
        try (WindowStoreIterator<Rollup> it = store.fetch(rollupKey, alignedFrom, to)) {
            while (it.hasNext()) {
                KeyValue<Long, Rollup> window = it.next();
                windows.add(RollupView.of(size, rollupKey, window.key, window.value));
            }
        }
        return new RollupList("list", size.label(), rollupKey, windows);
    }

    private static Optional<Instant> instant(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static Response badRequest(String param, String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(ApiError.invalidParameter(param, message)).build();
    }

    /**
     * The dimension within an org a request names, at most one of them.
     *
     * @param model a model of the org
     * @param key   a key id of the org
     * @param team  a team id of the org
     */
    private record Within(String model, String key, String team) {
        int count() {
            return (model != null ? 1 : 0) + (key != null ? 1 : 0) + (team != null ? 1 : 0);
        }
    }

    /**
     * Which rollup a request asks for.
     *
     * @param group        the store group holding it
     * @param partitionKey what that group's stores are partitioned by, to find the owning instance
     * @param rollupKey    the key in the store
     */
    private record Selection(RollupGroup group, String partitionKey, String rollupKey) {
    }
}
