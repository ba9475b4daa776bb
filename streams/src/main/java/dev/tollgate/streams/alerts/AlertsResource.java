package dev.tollgate.streams.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

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
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tollgate.streams.query.ApiError;
import dev.tollgate.streams.query.OwnerRouting;
import dev.tollgate.streams.query.QueryOutcome;
import dev.tollgate.streams.query.RemoteQueryClient;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /v1/alerts}: the current state of alerts (pending, firing, and resolved within the retention).
 * <ul>
 *   <li>With {@code org}, {@code model}, {@code endpoint} or {@code budget}: that subject's alerts, from the instance
 *       that owns the subject (its inputs are partitioned by its id), routed like the other queries.</li>
 *   <li>Without: every alert, gathered from every instance (each answers for the part it owns); 503 when one of them
 *       cannot answer, rather than a list that silently misses alerts.</li>
 *   <li>{@code rule} and {@code state} ({@code pending}, {@code firing}, {@code resolved}) narrow either.</li>
 * </ul>
 * 400 {@code invalid_request} for a bad parameter; 503 {@code alerts_unavailable} with {@code Retry-After}.
 */
@Path("/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {

    private static final Set<String> STATES = Set.of("pending", "firing", "resolved");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final KafkaStreams streams;
    private final OwnerRouting routing;

    @Inject
    public AlertsResource(KafkaStreams streams, OwnerRouting routing) {
        this.streams = streams;
        this.routing = routing;
    }

    /**
     * One alert as answered.
     *
     * @param object      always {@code alert}
     * @param fingerprint its identity
     * @param ruleId      the rule
     * @param alertname   the rule's name
     * @param state       {@code pending}, {@code firing} or {@code resolved}
     * @param severity    {@code info}, {@code warning} or {@code critical}
     * @param labels      its labels
     * @param annotations its annotations, filled in at its last transition
     * @param value       the last measured value
     * @param threshold   the rule's threshold
     * @param activeAt    when the condition became true
     * @param firedAt     when it started firing, or absent
     * @param resolvedAt  when it resolved, or absent
     * @param evaluatedAt when the value was measured
     * @param receivers   the rule's receivers
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AlertView(@JsonProperty("object") String object, @JsonProperty("fingerprint") String fingerprint,
                            @JsonProperty("rule_id") String ruleId, @JsonProperty("alertname") String alertname,
                            @JsonProperty("state") String state, @JsonProperty("severity") String severity,
                            @JsonProperty("labels") Map<String, String> labels,
                            @JsonProperty("annotations") Map<String, String> annotations,
                            @JsonProperty("value") double value, @JsonProperty("threshold") double threshold,
                            @JsonProperty("active_at") String activeAt, @JsonProperty("fired_at") String firedAt,
                            @JsonProperty("resolved_at") String resolvedAt,
                            @JsonProperty("evaluated_at") String evaluatedAt,
                            @JsonProperty("receivers") List<String> receivers) {

        static AlertView of(Alert a) {
            return new AlertView("alert", a.fingerprint(), a.ruleId(), a.ruleName(),
                    a.state().toLowerCase(Locale.ROOT), a.severity().toLowerCase(Locale.ROOT), a.labels(),
                    a.annotations(), a.value(), a.threshold(), time(a.activeAtMs()), time(a.firedAtMs()),
                    time(a.resolvedAtMs()), time(a.evaluatedAtMs()), a.receivers());
        }

        private static String time(Long ms) {
            return ms == null ? null : Instant.ofEpochMilli(ms).toString();
        }
    }

    /**
     * A list answer.
     *
     * @param object always {@code list}
     * @param data   the alerts: firing first, then pending, then resolved; newest incident first within each
     */
    public record AlertList(@JsonProperty("object") String object, @JsonProperty("data") List<AlertView> data) {
    }

    @GET
    @Blocking
    @Operation(summary = "The current state of alerts: pending, firing, and recently resolved")
    public Response alerts(@QueryParam("org") String org, @QueryParam("model") String model,
            @QueryParam("endpoint") String endpoint, @QueryParam("budget") String budget,
            @QueryParam("rule") String rule, @QueryParam("state") String state,
            @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        List<Subject> subjects = new ArrayList<>();
        addIf(subjects, Subject.Kind.ORG, org);
        addIf(subjects, Subject.Kind.MODEL, model);
        addIf(subjects, Subject.Kind.ENDPOINT, endpoint);
        addIf(subjects, Subject.Kind.BUDGET, budget);
        if (subjects.size() > 1) {
            return Response.status(400).entity(ApiError.invalidParameter(subjects.get(1).kind().label(),
                    "Give at most one of org, model, endpoint and budget.")).build();
        }
        if (state != null && !STATES.contains(state)) {
            return Response.status(400).entity(ApiError.invalidParameter("state",
                    "'state' must be one of pending, firing, resolved.")).build();
        }
        Predicate<Alert> wanted = a -> (rule == null || rule.equals(a.ruleId()))
                && (state == null || state.equalsIgnoreCase(a.state()));
        String path = uri.getRequestUri().getRawPath()
                + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery());
        boolean forwarded = forwardedBy != null;
        if (!subjects.isEmpty()) {
            Subject subject = subjects.get(0);
            return routing.route(AlertTopology.STATE_STORE, subject.id(), forwarded, path, AlertsResource::unavailable,
                    () -> Response.ok(list(local(wanted.and(a -> a.subject().equals(subject.key()))))).build());
        }
        return everywhere(wanted, forwarded, path);
    }

    /** This instance's part of every alert, and every other instance's. */
    private Response everywhere(Predicate<Alert> wanted, boolean forwarded, String path) {
        List<AlertView> all = new ArrayList<>();
        try {
            all.addAll(local(wanted));
        } catch (InvalidStateStoreException e) {
            return unavailableResponse("the alert store is not queryable (starting or rebalancing)");
        }
        for (QueryOutcome answer : routing.askEveryOther(AlertTopology.STATE_STORE, forwarded, path)) {
            if (answer instanceof QueryOutcome.Relayed relayed && relayed.status() == 200) {
                try {
                    all.addAll(JSON.readValue(relayed.body(), AlertList.class).data());
                } catch (java.io.IOException e) {
                    return unavailableResponse("another instance answered what is not a list of alerts");
                }
            } else {
                return unavailableResponse(answer instanceof QueryOutcome.Unavailable u ? u.reason()
                        : "another instance could not answer");
            }
        }
        return Response.ok(list(all)).build();
    }

    private List<AlertView> local(Predicate<Alert> wanted) {
        ReadOnlyKeyValueStore<String, Alert> store = streams.store(StoreQueryParameters
                .fromNameAndType(AlertTopology.STATE_STORE, QueryableStoreTypes.keyValueStore()));
        List<AlertView> found = new ArrayList<>();
        try (KeyValueIterator<String, Alert> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && wanted.test(entry.value)) {
                    found.add(AlertView.of(entry.value));
                }
            });
        }
        return found;
    }

    private static AlertList list(List<AlertView> alerts) {
        List<String> order = List.of("firing", "pending", "resolved");
        List<AlertView> sorted = new ArrayList<>(alerts);
        sorted.sort(Comparator.<AlertView>comparingInt(a -> order.indexOf(a.state()))
                .thenComparing(AlertView::activeAt, Comparator.reverseOrder())
                .thenComparing(AlertView::fingerprint));
        return new AlertList("list", sorted);
    }

    private static void addIf(List<Subject> subjects, Subject.Kind kind, String id) {
        if (id != null && !id.isBlank()) {
            subjects.add(new Subject(kind, id));
        }
    }

    private Response unavailableResponse(String reason) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", routing.retryAfterSeconds()).entity(unavailable(reason)).build();
    }

    private static ApiError unavailable(String reason) {
        return ApiError.unavailable("Alerts", "alerts_unavailable", reason);
    }
}
