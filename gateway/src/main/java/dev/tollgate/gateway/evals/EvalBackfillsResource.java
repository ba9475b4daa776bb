package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.EvalBackfillSpec;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Backfills: {@code /admin/v1/eval-backfills}. A backfill runs one evaluator version (with that version's selector
 * and sampling) over a past range of {@code tollgate.requests.v1}, given by time or by offsets, as a bounded job of
 * the evals worker that stops at the end of its range. It reads the topic with its own consumer, so live scoring is
 * never disturbed, and its scores carry the same ids as live ones: running it twice, or over a range live scoring
 * already covered, adds nothing twice.
 */
@Path("/admin/v1/eval-backfills")
@Produces(MediaType.APPLICATION_JSON)
public class EvalBackfillsResource {

    private static final Logger LOG = Logger.getLogger(EvalBackfillsResource.class);

    private final StatePublisher publisher;
    private final EvalProgressBook progress;

    @Inject
    EvalBackfillsResource(StatePublisher publisher, EvalProgressBook progress) {
        this.publisher = publisher;
        this.progress = progress;
    }

    /**
     * A backfill.
     *
     * @param id          backfill id
     * @param object      always {@code eval_backfill}
     * @param evaluator   the evaluator version it scores with
     * @param from        start of its range by time, or null
     * @param to          end of its range by time (exclusive), or null
     * @param fromOffsets start offset per partition, when given by offsets
     * @param toOffsets   end offset per partition (exclusive), when given by offsets
     * @param createdAt   creation time
     * @param progress    where it stands: {@code sent} records read, {@code succeeded} scored, {@code skipped},
     *                    {@code failed}
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BackfillView(String id, String object, EvalJobViews.EvaluatorRef evaluator, Instant from, Instant to,
                               Map<String, Long> fromOffsets, Map<String, Long> toOffsets, Instant createdAt,
                               EvalJobViews.Progress progress) {
    }

    /**
     * Starts a backfill. Required: {@code evaluator_id}, and a range: {@code from} (and optionally {@code to},
     * default now) as ISO-8601 instants, or {@code from_offsets} and {@code to_offsets} as {@code {"partition":
     * offset}}. Optional: {@code id}, {@code version} (the evaluator's current one).
     */
    @POST
    public Uni<RestResponse<BackfillView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        String id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("bf_"));
        String evaluatorId = body.requiredText("evaluator_id", JsonBody.ID, "the id of an evaluator");
        Integer version = body.optionalLong("version", 1, Integer.MAX_VALUE).map(Long::intValue).orElse(null);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EvalBackfillSpec spec = range(body, now);
        spec.setBackfillId(id);
        spec.setCreatedAt(now);
        return Panache.withTransaction(() -> EvalBackfillEntity.findById(id)
                        .invoke(existing -> {
                            if (existing != null) {
                                throw AdminException.conflict("id", "A backfill with id '" + id + "' already exists.");
                            }
                        })
                        .flatMap(ignored -> EvaluatorEntity.<EvaluatorEntity>findById(evaluatorId))
                        .onItem().ifNull().failWith(() -> AdminException.invalid("evaluator_id", "'evaluator_id': no "
                                + "evaluator '" + evaluatorId + "'."))
                        .flatMap(e -> EvaluatorVersionEntity.<EvaluatorVersionEntity>findById(
                                EvaluatorVersionEntity.key(e.id, version == null ? e.currentVersion : version)))
                        .onItem().ifNull().failWith(() -> AdminException.invalid("version", "'version': evaluator '"
                                + evaluatorId + "' has no version " + version + "."))
                        .call(v -> {
                            spec.setEvaluator(EvalRecords.snapshot(v));
                            spec.setSelector(EvalContract.selector(EvalRecords.selector(v)));
                            spec.setSamplingRate(v.samplingRate);
                            EvalBackfillEntity row = new EvalBackfillEntity();
                            row.id = id;
                            row.evaluatorId = v.evaluatorId;
                            row.evaluatorVersion = v.number;
                            row.specJson = AvroJson.write(spec);
                            row.createdAt = now;
                            return row.persist();
                        }))
                .call(v -> publisher.publish(Topics.EVAL_BACKFILLS, id, spec, "eval_backfill=" + id + " evaluator="
                        + evaluatorId + "@" + v.number))
                .invoke(v -> LOG.infof("eval backfill created backfill=%s evaluator=%s version=%d", id, evaluatorId,
                        v.number))
                .map(v -> RestResponse.status(Response.Status.CREATED, view(spec)));
    }

    /** Every backfill, newest first. */
    @GET
    public Uni<ListView<BackfillView>> list() {
        return Panache.withSession(() -> EvalBackfillEntity.<EvalBackfillEntity>list("order by createdAt desc, id"))
                .map(rows -> ListView.of(rows.stream().map(r -> view(spec(r))).toList()));
    }

    /** One backfill and its progress (records read, scored, skipped, failed). */
    @GET
    @Path("/{id}")
    public Uni<BackfillView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> EvalBackfillEntity.<EvalBackfillEntity>findById(id))
                .onItem().ifNull().failWith(() -> AdminException.notFound("eval backfill", id))
                .map(row -> view(spec(row)));
    }

    /** The range of the body: by time ({@code from}, {@code to}) or by offsets, never both. */
    static EvalBackfillSpec range(JsonBody body, Instant now) {
        EvalBackfillSpec spec = new EvalBackfillSpec();
        spec.setFromOffsets(Map.of());
        spec.setToOffsets(Map.of());
        spec.setSamplingRate(1.0);
        JsonNode fromOffsets = body.raw("from_offsets");
        JsonNode toOffsets = body.raw("to_offsets");
        Instant from = instant(body, "from");
        Instant to = instant(body, "to");
        if (fromOffsets != null || toOffsets != null) {
            if (from != null || to != null) {
                throw AdminException.invalid("from", "Give the range by time (from, to) or by offsets (from_offsets, "
                        + "to_offsets), not both.");
            }
            spec.setFromOffsets(offsets(fromOffsets, "from_offsets"));
            spec.setToOffsets(offsets(toOffsets, "to_offsets"));
            spec.getToOffsets().forEach((partition, end) -> {
                Long start = spec.getFromOffsets().get(partition);
                if (start != null && start > end) {
                    throw AdminException.invalid("to_offsets", "'to_offsets' of partition " + partition
                            + " lies before its start.");
                }
            });
            return spec;
        }
        if (from == null) {
            throw AdminException.invalid("from", "'from' is required: the start of the range (ISO-8601), or give "
                    + "from_offsets and to_offsets.");
        }
        Instant end = to == null ? now : to;
        if (!from.isBefore(end) || end.isAfter(now)) {
            throw AdminException.invalid("to", "The range must start before it ends, and end no later than now.");
        }
        spec.setFromTime(from);
        spec.setToTime(end);
        return spec;
    }

    private static Instant instant(JsonBody body, String field) {
        JsonNode value = body.raw(field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.asText()).truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException e) {
            throw AdminException.invalid(field, "'" + field + "' must be an ISO-8601 instant such as "
                    + "2026-12-01T00:00:00Z.");
        }
    }

    private static Map<String, Long> offsets(JsonNode node, String field) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw AdminException.invalid(field, "'" + field + "' must be an object of partition number to offset.");
        }
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!entry.getKey().matches("\\d{1,4}") || !entry.getValue().isIntegralNumber()
                    || entry.getValue().asLong() < 0) {
                throw AdminException.invalid(field + "." + entry.getKey(), "'" + field + "' maps partition numbers "
                        + "to offsets of at least 0.");
            }
            offsets.put(entry.getKey(), entry.getValue().asLong());
        }
        return offsets;
    }

    private static EvalBackfillSpec spec(EvalBackfillEntity row) {
        return AvroJson.read(row.specJson, EvalBackfillSpec.getClassSchema());
    }

    private BackfillView view(EvalBackfillSpec spec) {
        return new BackfillView(spec.getBackfillId(), "eval_backfill", EvalJobViews.EvaluatorRef.of(spec.getEvaluator()),
                spec.getFromTime(), spec.getToTime(), Map.copyOf(spec.getFromOffsets()),
                Map.copyOf(spec.getToOffsets()), spec.getCreatedAt(), EvalJobViews.Progress.of(
                progress.get(spec.getBackfillId())));
    }
}
