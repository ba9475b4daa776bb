package dev.tollgate.gateway.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.PassThreshold;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Eval runs: {@code /admin/v1/eval-runs}. A run sends every example of a dataset to one model, or two side by side,
 * through the gateway, and scores the answers with the named evaluator versions. Creating one stores it and
 * publishes it to {@code tollgate.eval-runs.v1}, with a copy of each evaluator version, for the evals worker to
 * execute; its progress and, once scored, its verdict against the thresholds come back from the worker.
 * {@code GET /admin/v1/eval-runs/{id}} is the quality gate a deployment step calls: {@code status} reaches
 * {@code completed}, then {@code verdict} is {@code passed} or {@code failed}.
 */
@Path("/admin/v1/eval-runs")
@Produces(MediaType.APPLICATION_JSON)
public class EvalRunsResource {

    private static final Logger LOG = Logger.getLogger(EvalRunsResource.class);
    static final int MAX_EVALUATORS = 20;
    static final int MAX_CONCURRENCY = 64;
    private static final Set<String> METRICS = Set.of("mean", "pass_rate");
    private static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");

    private final StatePublisher publisher;
    private final EndpointRegistry endpoints;
    private final EvalProgressBook progress;

    @Inject
    EvalRunsResource(StatePublisher publisher, EndpointRegistry endpoints, EvalProgressBook progress) {
        this.publisher = publisher;
        this.endpoints = endpoints;
        this.progress = progress;
    }

    /**
     * An eval run.
     *
     * @param id          run id
     * @param object      always {@code eval_run}
     * @param datasetId   the dataset sent
     * @param models      the models answering it
     * @param environment the environment whose endpoints serve it, or null for the key's own
     * @param evaluators  the evaluator versions scoring it
     * @param thresholds  what it must reach to pass
     * @param concurrency requests in flight at most
     * @param createdAt   creation time
     * @param progress    where it stands
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunView(String id, String object, String datasetId, List<String> models, String environment,
                          List<EvalJobViews.EvaluatorRef> evaluators, List<ThresholdView> thresholds,
                          int concurrency, Instant createdAt, EvalJobViews.Progress progress) {
    }

    /**
     * A pass threshold.
     *
     * @param evaluatorId the evaluator whose metric is checked
     * @param metric      {@code mean} or {@code pass_rate}
     * @param min         the least it must reach, for every model
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ThresholdView(String evaluatorId, String metric, double min) {
    }

    /**
     * Starts a run. Required: {@code dataset_id}, {@code models} (one or two served models), {@code evaluators}
     * (ids, at their current version, or {@code {"id", "version"}}). Optional: {@code id}, {@code thresholds}
     * ({@code [{"evaluator_id", "metric": "mean" | "pass_rate", "min"}]}), {@code concurrency} (4),
     * {@code environment}, {@code max_tokens}, {@code temperature}.
     */
    @POST
    public Uni<RestResponse<RunView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        String id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("run_"));
        String datasetId = body.requiredText("dataset_id", JsonBody.ID, "the id of a dataset");
        List<String> models = models(body);
        List<EvaluatorRequest> wanted = evaluators(body.raw("evaluators"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> EvalRunEntity.findById(id)
                        .invoke(existing -> {
                            if (existing != null) {
                                throw AdminException.conflict("id", "An eval run with id '" + id + "' already exists.");
                            }
                        })
                        .flatMap(ignored -> DatasetExampleEntity.count("datasetId", datasetId))
                        .invoke(examples -> {
                            if (examples == 0) {
                                throw AdminException.invalid("dataset_id", "'dataset_id' must name a dataset with at "
                                        + "least one example; '" + datasetId + "' has none or does not exist.");
                            }
                        })
                        .flatMap(examples -> snapshots(wanted))
                        .map(snapshots -> spec(body, id, datasetId, models, snapshots, now))
                        .call(spec -> {
                            EvalRunEntity row = new EvalRunEntity();
                            row.id = id;
                            row.datasetId = datasetId;
                            row.specJson = AvroJson.write(spec);
                            row.createdAt = now;
                            return row.persist();
                        }))
                .call(spec -> publisher.publish(Topics.EVAL_RUNS, id, spec, "eval_run=" + id + " dataset=" + datasetId
                        + " models=" + models))
                .invoke(spec -> LOG.infof("eval run created run=%s dataset=%s models=%s evaluators=%d", id, datasetId,
                        models, spec.getEvaluators().size()))
                .map(spec -> RestResponse.status(Response.Status.CREATED, view(spec)));
    }

    /** Every run, newest first. */
    @GET
    public Uni<ListView<RunView>> list() {
        return Panache.withSession(() -> EvalRunEntity.<EvalRunEntity>list("order by createdAt desc, id"))
                .map(rows -> ListView.of(rows.stream().map(r -> view(spec(r))).toList()));
    }

    /** One run: what it sends, and where it stands; the verdict once it is completed. */
    @GET
    @Path("/{id}")
    public Uni<RunView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> EvalRunEntity.<EvalRunEntity>findById(id))
                .onItem().ifNull().failWith(() -> AdminException.notFound("eval run", id))
                .map(row -> view(spec(row)));
    }

    private record EvaluatorRequest(String id, Integer version, String field) {
    }

    private List<String> models(JsonBody body) {
        List<String> models = body.optionalTextList("models", JsonBody.MODEL, "a model name");
        if (models.isEmpty() || models.size() > 2) {
            throw AdminException.invalid("models", "'models' is required: one model, or two to compare side by side.");
        }
        for (int i = 0; i < models.size(); i++) {
            if (!endpoints.knows(models.get(i))) {
                throw AdminException.invalid("models[" + i + "]", "'models[" + i + "]': no endpoint serves the model '"
                        + models.get(i) + "'.");
            }
        }
        return models;
    }

    private static List<EvaluatorRequest> evaluators(JsonNode given) {
        if (given == null || !given.isArray() || given.isEmpty() || given.size() > MAX_EVALUATORS) {
            throw AdminException.invalid("evaluators", "'evaluators' is required: 1 to " + MAX_EVALUATORS
                    + " evaluator ids, or {\"id\", \"version\"} objects.");
        }
        List<EvaluatorRequest> wanted = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            JsonNode item = given.get(i);
            String field = "evaluators[" + i + "]";
            String id = item.isTextual() ? item.asText() : item.path("id").asText(null);
            JsonNode version = item.path("version");
            if (id == null || !JsonBody.ID.matcher(id).matches()
                    || (!version.isMissingNode() && !(version.isInt() && version.asInt() >= 1))) {
                throw AdminException.invalid(field, "'" + field + "' must be an evaluator id, or {\"id\", \"version\"}"
                        + " with a version of at least 1.");
            }
            if (!seen.add(id)) {
                throw AdminException.invalid(field, "'" + field + "' names '" + id + "' twice.");
            }
            wanted.add(new EvaluatorRequest(id, version.isMissingNode() ? null : version.asInt(), field));
        }
        return wanted;
    }

    /** Each evaluator at the version asked for (its current one by default); 400 naming the one that is missing. */
    private static Uni<List<EvaluatorSnapshot>> snapshots(List<EvaluatorRequest> wanted) {
        return Multi.createFrom().iterable(wanted).onItem().transformToUniAndConcatenate(request ->
                        EvaluatorEntity.<EvaluatorEntity>findById(request.id())
                                .onItem().ifNull().failWith(() -> AdminException.invalid(request.field(), "'"
                                        + request.field() + "': no evaluator '" + request.id() + "'."))
                                .flatMap(e -> EvaluatorVersionEntity.<EvaluatorVersionEntity>findById(
                                        EvaluatorVersionEntity.key(e.id, request.version() == null ? e.currentVersion
                                                : request.version())))
                                .onItem().ifNull().failWith(() -> AdminException.invalid(request.field(), "'"
                                        + request.field() + "': evaluator '" + request.id() + "' has no version "
                                        + request.version() + "."))
                                .map(EvalRecords::snapshot))
                .collect().asList();
    }

    private static EvalRunSpec spec(JsonBody body, String id, String datasetId, List<String> models,
                                    List<EvaluatorSnapshot> evaluators, Instant now) {
        EvalRunSpec spec = new EvalRunSpec();
        spec.setRunId(id);
        spec.setDatasetId(datasetId);
        spec.setModels(models);
        spec.setEnvironment(body.optionalChoice("environment", ENVIRONMENTS).orElse(null));
        spec.setEvaluators(evaluators);
        spec.setThresholds(thresholds(body.raw("thresholds"), evaluators));
        spec.setConcurrency(body.optionalLong("concurrency", 1, MAX_CONCURRENCY).orElse(4L).intValue());
        spec.setMaxTokens(body.optionalLong("max_tokens", 1, 1_000_000).orElse(null));
        spec.setTemperature(body.optionalDouble("temperature", 0, 2).orElse(null));
        spec.setCreatedAt(now);
        return spec;
    }

    private static List<PassThreshold> thresholds(JsonNode given, List<EvaluatorSnapshot> evaluators) {
        if (given == null) {
            return List.of();
        }
        if (!given.isArray()) {
            throw AdminException.invalid("thresholds", "'thresholds' must be an array of {\"evaluator_id\", "
                    + "\"metric\", \"min\"}.");
        }
        Set<String> ids = new LinkedHashSet<>();
        evaluators.forEach(e -> ids.add(e.getEvaluatorId()));
        List<PassThreshold> thresholds = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            JsonNode t = given.get(i);
            String at = "thresholds[" + i + "]";
            String evaluator = t.path("evaluator_id").asText("");
            if (!ids.contains(evaluator)) {
                throw AdminException.invalid(at + ".evaluator_id", "'" + at + ".evaluator_id' must name one of the "
                        + "run's evaluators " + ids + ".");
            }
            String metric = t.path("metric").asText("mean");
            if (!METRICS.contains(metric)) {
                throw AdminException.invalid(at + ".metric", "'" + at + ".metric' must be mean or pass_rate.");
            }
            JsonNode min = t.path("min");
            if (!min.isNumber() || min.asDouble() < 0 || min.asDouble() > 1) {
                throw AdminException.invalid(at + ".min", "'" + at + ".min' must be a number from 0 to 1.");
            }
            thresholds.add(new PassThreshold(evaluator, metric, min.asDouble()));
        }
        return thresholds;
    }

    private static EvalRunSpec spec(EvalRunEntity row) {
        return AvroJson.read(row.specJson, EvalRunSpec.getClassSchema());
    }

    private RunView view(EvalRunSpec spec) {
        return new RunView(spec.getRunId(), "eval_run", spec.getDatasetId(), List.copyOf(spec.getModels()),
                spec.getEnvironment(), spec.getEvaluators().stream().map(EvalJobViews.EvaluatorRef::of).toList(),
                spec.getThresholds().stream().map(t -> new ThresholdView(t.getEvaluatorId(), t.getMetric(),
                        t.getMin())).toList(), spec.getConcurrency(), spec.getCreatedAt(),
                EvalJobViews.Progress.of(progress.get(spec.getRunId())));
    }
}
