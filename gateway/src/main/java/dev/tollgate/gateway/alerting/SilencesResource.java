package dev.tollgate.gateway.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.AlertSilence;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Alert silences: {@code /admin/v1/silences}. A silence mutes, between {@code starts_at} and {@code ends_at}, the
 * notifications of every alert whose labels equal each of its matchers; the alert itself still fires and is listed.
 * Silences are never deleted: {@code POST /{id}/expire} ends one now and keeps it as the record of who silenced what
 * and why. Each change is published to {@code tollgate.alert-silences.v1}, which the notifier follows.
 */
@Path("/admin/v1/silences")
@Produces(MediaType.APPLICATION_JSON)
public class SilencesResource {

    private static final Logger LOG = Logger.getLogger(SilencesResource.class);
    private static final Set<String> FIELDS = Set.of("id", "matchers", "starts_at", "ends_at", "created_by",
            "comment");
    private static final Set<String> STATES = Set.of("pending", "active", "expired");

    private final AlertingPublisher publisher;

    @Inject
    SilencesResource(AlertingPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * A silence as the admin API answers it.
     *
     * @param id        silence id
     * @param object    always {@code silence}
     * @param matchers  label name to value; all must equal the alert's labels
     * @param startsAt  when it starts muting
     * @param endsAt    when it stops
     * @param state     {@code pending}, {@code active} or {@code expired}, now
     * @param createdBy who made it, as they said
     * @param comment   why
     * @param createdAt creation time
     * @param updatedAt last change (an expiry)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SilenceView(String id, String object, Map<String, String> matchers, Instant startsAt,
                              Instant endsAt, String state, String createdBy, String comment, Instant createdAt,
                              Instant updatedAt) {
    }

    /**
     * Creates a silence. Required: {@code matchers} (an object of 1 to 20 label names to values), {@code ends_at}
     * (ISO-8601, in the future and after {@code starts_at}), {@code comment}. Optional: {@code id} ({@code sil_…}),
     * {@code starts_at} (now), {@code created_by}.
     */
    @POST
    public Uni<RestResponse<SilenceView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        body.rejectUnknownFields(FIELDS);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AlertSilenceEntity silence = new AlertSilenceEntity();
        silence.id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("sil_"));
        Map<String, String> matchers = body.optionalStringMap("matchers", RuleSpec.LABEL_NAME, Set.of(), 20, 256)
                .filter(m -> !m.isEmpty())
                .orElseThrow(() -> AdminException.invalid("matchers", "'matchers' is required: an object of label "
                        + "names to the values an alert must have, e.g. {\"endpoint\": \"vllm-2\"}."));
        silence.matchers = AlertingRecords.json(matchers);
        silence.startsAt = instant(body.raw("starts_at"), "starts_at").orElse(now);
        silence.endsAt = instant(body.raw("ends_at"), "ends_at")
                .orElseThrow(() -> AdminException.invalid("ends_at", "'ends_at' is required: when the silence ends, "
                        + "an ISO-8601 instant such as 2027-01-01T00:00:00Z."));
        if (!silence.endsAt.isAfter(silence.startsAt) || !silence.endsAt.isAfter(now)) {
            throw AdminException.invalid("ends_at", "'ends_at' must lie after 'starts_at' and in the future.");
        }
        silence.comment = body.optionalName("comment", 1000)
                .orElseThrow(() -> AdminException.invalid("comment", "'comment' is required: say why, for whoever "
                        + "looks later."));
        silence.createdBy = body.optionalName("created_by", 200).orElse(null);
        silence.createdAt = now;
        silence.updatedAt = now;
        return Panache.withTransaction(() -> AlertSilenceEntity.findById(silence.id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "A silence with id '"
                                        + silence.id + "' already exists."))
                                : silence.<AlertSilenceEntity>persist()))
                .call(created -> publisher.silence(created.id, record(created)))
                .invoke(created -> LOG.infof("event=silence_created silence=%s matchers=%d ends_at=%s", created.id,
                        matchers.size(), created.endsAt))
                .map(created -> RestResponse.status(Response.Status.CREATED, view(created, Instant.now())));
    }

    /** Silences, the latest ending first; {@code state} narrows to a comma-separated list of states. */
    @GET
    public Uni<ListView<SilenceView>> list(@QueryParam("state") String state) {
        Set<String> states = state == null || state.isBlank() ? STATES
                : Arrays.stream(state.split(",")).map(String::strip).collect(Collectors.toSet());
        if (!STATES.containsAll(states)) {
            throw AdminException.invalid("state", "'state' is pending, active or expired, or several of them "
                    + "separated by commas.");
        }
        Instant now = Instant.now();
        return Panache.withSession(() -> AlertSilenceEntity.<AlertSilenceEntity>list("order by endsAt desc, id"))
                .map(all -> ListView.of(all.stream().filter(s -> states.contains(s.state(now)))
                        .map(s -> view(s, now)).toList()));
    }

    @GET
    @Path("/{id}")
    public Uni<SilenceView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id)).map(s -> view(s, Instant.now()));
    }

    /**
     * Ends a silence now (one that ended already stays as it was) and publishes it again: safe to repeat, and
     * repeating repairs a publication that failed.
     */
    @POST
    @Path("/{id}/expire")
    public Uni<SilenceView> expire(@PathParam("id") String id, RoutingContext ctx) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> require(id).map(silence -> {
                    AuditNotes.before(ctx, view(silence, now));
                    if (silence.endsAt.isAfter(now)) {
                        silence.endsAt = now.isAfter(silence.startsAt) ? now : silence.startsAt.plusMillis(1);
                        silence.updatedAt = AlertRulesResource.laterThan(silence.updatedAt);
                    }
                    return silence;
                }))
                .call(silence -> publisher.silence(silence.id, record(silence)))
                .invoke(silence -> LOG.infof("event=silence_expired silence=%s ends_at=%s", silence.id,
                        silence.endsAt))
                .map(silence -> view(silence, Instant.now()));
    }

    /** The record published to {@code tollgate.alert-silences.v1}. */
    static AlertSilence record(AlertSilenceEntity s) {
        return AlertSilence.newBuilder().setSilenceId(s.id).setMatchers(new LinkedHashMap<>(AlertingRecords.map(
                        s.matchers))).setStartsAt(s.startsAt).setEndsAt(s.endsAt).setCreatedBy(s.createdBy)
                .setComment(s.comment).setUpdatedAt(s.updatedAt).setVersion(s.version).build();
    }

    static SilenceView view(AlertSilenceEntity s, Instant now) {
        return new SilenceView(s.id, "silence", AlertingRecords.map(s.matchers), s.startsAt, s.endsAt, s.state(now),
                s.createdBy, s.comment, s.createdAt, s.updatedAt);
    }

    private static java.util.Optional<Instant> instant(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return java.util.Optional.empty();
        }
        try {
            if (!value.isTextual()) {
                throw new DateTimeParseException("not text", value.toString(), 0);
            }
            return java.util.Optional.of(Instant.parse(value.asText()).truncatedTo(ChronoUnit.MILLIS));
        } catch (DateTimeParseException e) {
            throw AdminException.invalid(field, "'" + field + "' must be an ISO-8601 instant such as "
                    + "2027-01-01T00:00:00Z.");
        }
    }

    private static Uni<AlertSilenceEntity> require(String id) {
        return AlertSilenceEntity.<AlertSilenceEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("silence", id));
    }
}
