package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.definition.Definitions;
import dev.tollgate.evals.definition.EvaluatorType;
import dev.tollgate.evals.definition.InvalidDefinition;
import dev.tollgate.evals.definition.Selector;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Evaluators: {@code /admin/v1/evaluators}. An evaluator is validated when created or changed (a bad regex or an
 * invalid JSON Schema is a 400 naming the field), stored as an immutable version in PostgreSQL, published to
 * {@code tollgate.evaluators.v1} (where the streams app picks up its current version for live traffic), and only
 * then answered. A change of the name, type, definition, selector or sampling makes a new version; enabling or
 * disabling does not.
 */
@Path("/admin/v1/evaluators")
@Produces(MediaType.APPLICATION_JSON)
public class EvaluatorsResource {

    private static final Logger LOG = Logger.getLogger(EvaluatorsResource.class);
    private static final Set<String> TYPES = Arrays.stream(EvaluatorType.values()).map(EvaluatorType::wireName)
            .collect(Collectors.toSet());

    private final StatePublisher publisher;

    @Inject
    EvaluatorsResource(StatePublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * An evaluator at one version.
     *
     * @param id           evaluator id
     * @param object       always {@code evaluator}
     * @param name         for people
     * @param version      the version shown (the current one, unless a version was asked for)
     * @param type         {@code exact_match}, {@code regex}, ...
     * @param definition   the type's definition
     * @param selector     which live requests it scores
     * @param samplingRate the share of them it scores
     * @param active       whether it scores live traffic
     * @param versions     every version number, oldest first
     * @param createdAt    creation time
     * @param updatedAt    last change
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EvaluatorView(String id, String object, String name, int version, String type, JsonNode definition,
                                JsonNode selector, double samplingRate, boolean active, List<Integer> versions,
                                Instant createdAt, Instant updatedAt) {

        static EvaluatorView of(EvaluatorEntity e, EvaluatorVersionEntity v, List<Integer> versions) {
            return new EvaluatorView(e.id, "evaluator", v.name, v.number, v.type,
                    EvalRecords.tree(v.definitionJson), EvalContract.selectorJson(EvalRecords.selector(v)), v.samplingRate, e.active, versions,
                    e.createdAt, e.updatedAt);
        }
    }

    /**
     * Creates an evaluator at version 1. Required: {@code name}, {@code type}, {@code definition} (its shape
     * depends on the type: docs/evals.md). Optional: {@code id}, {@code selector} (every request), {@code
     * sampling_rate} (1), {@code active} (true). 409 when the id is taken.
     */
    @POST
    public Uni<RestResponse<EvaluatorView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        String id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("eval_"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EvaluatorEntity evaluator = new EvaluatorEntity();
        evaluator.id = id;
        evaluator.active = body.optionalBoolean("active").orElse(true);
        evaluator.currentVersion = 1;
        evaluator.createdAt = now;
        evaluator.updatedAt = now;
        EvaluatorVersionEntity version = version(body, id, 1, now);
        evaluator.name = version.name;
        return Panache.withTransaction(() -> EvaluatorEntity.findById(id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "An evaluator with id '" + id
                                        + "' already exists."))
                                : evaluator.persist().flatMap(e -> version.persist())))
                .call(() -> publish(evaluator, version))
                .invoke(() -> LOG.infof("evaluator created evaluator=%s type=%s version=1", id, version.type))
                .map(ignored -> RestResponse.status(Response.Status.CREATED,
                        EvaluatorView.of(evaluator, version, List.of(1))));
    }

    /** Every evaluator at its current version, by id. */
    @GET
    public Uni<ListView<EvaluatorView>> list() {
        return Panache.withSession(() -> EvaluatorEntity.<EvaluatorEntity>list("order by id")
                .flatMap(all -> EvaluatorVersionEntity.<EvaluatorVersionEntity>list("order by evaluatorId, number")
                        .map(versions -> ListView.of(all.stream().map(e -> {
                            List<EvaluatorVersionEntity> own = versions.stream()
                                    .filter(v -> v.evaluatorId.equals(e.id)).toList();
                            EvaluatorVersionEntity current = own.stream()
                                    .filter(v -> v.number == e.currentVersion).findFirst().orElseThrow();
                            return EvaluatorView.of(e, current, own.stream().map(v -> v.number).toList());
                        }).toList()))));
    }

    /** One evaluator at its current version. */
    @GET
    @Path("/{id}")
    public Uni<EvaluatorView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id).flatMap(e -> view(e, e.currentVersion)));
    }

    /** One evaluator at an earlier (or the current) version. */
    @GET
    @Path("/{id}/versions/{number}")
    public Uni<EvaluatorView> getVersion(@PathParam("id") String id, @PathParam("number") int number) {
        return Panache.withSession(() -> require(id).flatMap(e -> view(e, number)));
    }

    /**
     * Changes an evaluator: a new version with the body's {@code name}, {@code type}, {@code definition},
     * {@code selector} and {@code sampling_rate} (each as in create), which becomes current at once.
     */
    @PUT
    @Path("/{id}")
    public Uni<EvaluatorView> update(@PathParam("id") String id, String raw, RoutingContext ctx) {
        JsonBody body = JsonBody.parse(raw);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> require(id).call(e -> noteBefore(ctx, e)).flatMap(e -> {
                    EvaluatorVersionEntity version = version(body, id, e.currentVersion + 1, now);
                    e.currentVersion = version.number;
                    e.name = version.name;
                    e.updatedAt = now;
                    return version.persist().flatMap(v -> changed(e, version));
                }))
                .call(changed -> publish(changed.evaluator(), changed.version()))
                .invoke(changed -> LOG.infof("evaluator changed evaluator=%s version=%d", id, changed.version().number))
                .map(Changed::view);
    }

    /** Puts an evaluator back on live traffic (no new version). */
    @POST
    @Path("/{id}/enable")
    public Uni<EvaluatorView> enable(@PathParam("id") String id, RoutingContext ctx) {
        return setActive(id, true, ctx);
    }

    /** Takes an evaluator off live traffic; runs and backfills that name it still work (no new version). */
    @POST
    @Path("/{id}/disable")
    public Uni<EvaluatorView> disable(@PathParam("id") String id, RoutingContext ctx) {
        return setActive(id, false, ctx);
    }

    /** Deletes an evaluator and its versions; its tombstone stops live scoring. Scores already given stay. */
    @DELETE
    @Path("/{id}")
    public Uni<EvaluatorView> delete(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id).flatMap(e -> view(e, e.currentVersion)
                        .invoke(v -> AuditNotes.before(ctx, v))
                        .call(v -> EvaluatorVersionEntity.delete("evaluatorId", id))
                        .call(v -> e.delete())))
                .call(v -> publisher.publish(Topics.EVALUATORS, id, null, "evaluator=" + id))
                .invoke(v -> LOG.infof("evaluator deleted evaluator=%s", id));
    }

    /** A change made in a transaction, with its view read in that transaction: publishing comes after, off it. */
    private record Changed(EvaluatorEntity evaluator, EvaluatorVersionEntity version, EvaluatorView view) {
    }

    private static Uni<Changed> changed(EvaluatorEntity e, EvaluatorVersionEntity version) {
        return view(e, version.number).map(view -> new Changed(e, version, view));
    }

    private Uni<EvaluatorView> setActive(String id, boolean active, RoutingContext ctx) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> require(id).call(e -> noteBefore(ctx, e)).invoke(e -> {
                    e.active = active;
                    e.updatedAt = now;
                }).flatMap(e -> currentVersion(e).flatMap(v -> changed(e, v))))
                .call(changed -> publish(changed.evaluator(), changed.version()))
                .invoke(changed -> LOG.infof("evaluator %s evaluator=%s", active ? "enabled" : "disabled", id))
                .map(Changed::view);
    }

    /** Records the evaluator as it is, before the change, for the audit trail. */
    private static Uni<EvaluatorView> noteBefore(RoutingContext ctx, EvaluatorEntity e) {
        return view(e, e.currentVersion).invoke(v -> AuditNotes.before(ctx, v));
    }

    private Uni<Void> publish(EvaluatorEntity evaluator, EvaluatorVersionEntity version) {
        return publisher.publish(Topics.EVALUATORS, evaluator.id, EvalRecords.evaluatorState(evaluator, version),
                "evaluator=" + evaluator.id + " version=" + version.number + " active=" + evaluator.active);
    }

    /** A new version from the body; every problem of the definition or selector is a 400 naming its field. */
    private static EvaluatorVersionEntity version(JsonBody body, String evaluatorId, int number, Instant now) {
        EvaluatorVersionEntity version = new EvaluatorVersionEntity();
        version.id = EvaluatorVersionEntity.key(evaluatorId, number);
        version.evaluatorId = evaluatorId;
        version.number = number;
        version.name = body.optionalName("name", 200)
                .orElseThrow(() -> AdminException.invalid("name", "'name' is required: a name for people."));
        String type = body.optionalChoice("type", TYPES)
                .orElseThrow(() -> AdminException.invalid("type", "'type' is required: one of "
                        + EvaluatorType.names() + "."));
        JsonNode definition = body.raw("definition");
        try {
            Definitions.parse(EvaluatorType.parse(type).orElseThrow(), definition);
            Selector selector = Selector.parse(body.raw("selector"));
            version.selectorJson = EvalContract.selectorJson(selector).toString();
        } catch (InvalidDefinition e) {
            throw AdminException.invalid(e.field(), e.getMessage());
        }
        version.type = type;
        version.definitionJson = definition == null ? "{}" : definition.toString();
        version.samplingRate = body.optionalDouble("sampling_rate", 0, 1).orElse(1.0);
        version.createdAt = now;
        return version;
    }

    private static Uni<EvaluatorEntity> require(String id) {
        return EvaluatorEntity.<EvaluatorEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("evaluator", id));
    }

    private static Uni<EvaluatorVersionEntity> currentVersion(EvaluatorEntity e) {
        return EvaluatorVersionEntity.<EvaluatorVersionEntity>findById(EvaluatorVersionEntity.key(e.id,
                e.currentVersion));
    }

    private static Uni<EvaluatorView> view(EvaluatorEntity e, int number) {
        return EvaluatorVersionEntity.<EvaluatorVersionEntity>list("evaluatorId = ?1 order by number", e.id)
                .map(versions -> {
                    EvaluatorVersionEntity shown = versions.stream().filter(v -> v.number == number).findFirst()
                            .orElseThrow(() -> AdminException.notFound("evaluator version", e.id + "@" + number));
                    return EvaluatorView.of(e, shown, versions.stream().map(v -> v.number).toList());
                });
    }
}
