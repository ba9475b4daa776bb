package dev.tollgate.evals.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.control.v1.EvaluatorSelector;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.events.v1.CapturedContent;
import dev.tollgate.events.v1.CapturedMessage;
import dev.tollgate.events.v1.CapturedToolCall;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.events.v1.JobMessage;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.evals.definition.Selector;
import dev.tollgate.evals.definition.Target;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.ScoringInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts between the evals model and the event contract, in one place for every component that scores: the
 * streams app (live and run scoring), the evals worker (judges, backfills) and the gateway (publishing evaluators).
 * In particular it makes the {@link #scoreId score id}, on which every consumer of scores dedupes.
 */
public final class EvalContract {

    /** Where a score came from. */
    public static final String LIVE = "live";
    public static final String RUN = "run";
    public static final String BACKFILL = "backfill";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalContract() {
    }

    /**
     * The id of one evaluator version's score of one request: scoring the same request with the same version
     * again, live, in a run, in a backfill or by a judge retry, gives the same id.
     */
    public static String scoreId(String evaluatorId, int version, String requestEventId) {
        return evaluatorId + ":" + version + ":" + requestEventId;
    }

    /** The selector a published record carries. */
    public static Selector selector(EvaluatorSelector selector) {
        return new Selector(Set.copyOf(selector.getOrgs()), Set.copyOf(selector.getModels()),
                Set.copyOf(selector.getEndpoints()), Set.copyOf(selector.getEnvironments()),
                Set.copyOf(selector.getKeys()), Map.copyOf(selector.getTags()));
    }

    /** The published record of a selector, lists sorted so that equal selectors publish equal records. */
    public static EvaluatorSelector selector(Selector selector) {
        return new EvaluatorSelector(sorted(selector.orgs()), sorted(selector.models()), sorted(selector.endpoints()),
                sorted(selector.environments()), sorted(selector.keys()), Map.copyOf(selector.tags()));
    }

    /** A selector as JSON, in the admin API's shape ({@link Selector#parse} reads it back). */
    public static ObjectNode selectorJson(Selector selector) {
        ObjectNode json = JSON.createObjectNode();
        putList(json, "orgs", selector.orgs());
        putList(json, "models", selector.models());
        putList(json, "endpoints", selector.endpoints());
        putList(json, "environments", selector.environments());
        putList(json, "keys", selector.keys());
        if (!selector.tags().isEmpty()) {
            ObjectNode tags = json.putObject("tags");
            selector.tags().forEach(tags::put);
        }
        return json;
    }

    /** What a selector looks at in a request event. */
    public static Target target(RequestEvent request) {
        return new Target(request.getOrgId(), request.getModel(), request.getEndpointId(), request.getEnvironment(),
                request.getKeyId(), request.getTags() == null ? Map.of() : request.getTags());
    }

    /** What a request event gives an evaluator; null when it carries no content (capture was off). */
    public static ScoringInput input(RequestEvent request, String reference) {
        CapturedContent content = request.getContent();
        if (content == null) {
            return null;
        }
        List<ScoringInput.Message> messages = new ArrayList<>(content.getInputMessages().size());
        for (CapturedMessage message : content.getInputMessages()) {
            messages.add(new ScoringInput.Message(message.getRole(), message.getContent()));
        }
        List<ScoringInput.ToolCall> calls = new ArrayList<>();
        for (CapturedToolCall call : content.getOutputToolCalls()) {
            calls.add(new ScoringInput.ToolCall(call.getName(), call.getArguments()));
        }
        return new ScoringInput(messages, content.getOutputText(), calls, reference);
    }

    /** What a judge job gives the judge. */
    public static ScoringInput input(EvalJob job) {
        List<ScoringInput.Message> messages = new ArrayList<>(job.getInputMessages().size());
        for (JobMessage message : job.getInputMessages()) {
            messages.add(new ScoringInput.Message(message.getRole(), message.getContent()));
        }
        return new ScoringInput(messages, job.getOutputText(), List.of(), job.getReferenceOutput());
    }

    /** The score record of {@code score}, given to {@code request} by {@code evaluator}. */
    public static EvalScore score(EvaluatorSnapshot evaluator, RequestEvent request, Score score, String source,
                                  Instant scoredAt) {
        EvalScore record = new EvalScore();
        record.setScoreId(scoreId(evaluator.getEvaluatorId(), evaluator.getVersion(), request.getEventId()));
        record.setEvaluatorId(evaluator.getEvaluatorId());
        record.setEvaluatorVersion(evaluator.getVersion());
        record.setEvaluatorType(evaluator.getType());
        record.setRequestEventId(request.getEventId());
        record.setRequestId(request.getRequestId());
        record.setOrgId(request.getOrgId());
        record.setKeyId(request.getKeyId());
        record.setModel(request.getModel());
        record.setEndpointId(request.getEndpointId());
        record.setEnvironment(request.getEnvironment());
        if (request.getEval() != null) {
            record.setRunId(request.getEval().getRunId());
            record.setDatasetId(request.getEval().getDatasetId());
            record.setExampleId(request.getEval().getExampleId());
        }
        setVerdict(record, score);
        record.setSource(source);
        record.setRequestCompletedAt(request.getCompletedAt());
        record.setScoredAt(scoredAt);
        return record;
    }

    /** The score record a judge job comes to. */
    public static EvalScore score(EvalJob job, Score score, Instant scoredAt) {
        EvalScore record = new EvalScore();
        record.setScoreId(job.getScoreId());
        record.setEvaluatorId(job.getEvaluator().getEvaluatorId());
        record.setEvaluatorVersion(job.getEvaluator().getVersion());
        record.setEvaluatorType(job.getEvaluator().getType());
        record.setRequestEventId(job.getRequestEventId());
        record.setRequestId(job.getRequestId());
        record.setOrgId(job.getOrgId());
        record.setKeyId(job.getKeyId());
        record.setModel(job.getModel());
        record.setEndpointId(job.getEndpointId());
        record.setEnvironment(job.getEnvironment());
        record.setRunId(job.getRunId());
        record.setDatasetId(job.getDatasetId());
        record.setExampleId(job.getExampleId());
        setVerdict(record, score);
        record.setSource(job.getSource());
        record.setRequestCompletedAt(job.getRequestCompletedAt());
        record.setScoredAt(scoredAt);
        return record;
    }

    /** The job that asks the evals worker for a score that needs a model. */
    public static EvalJob job(EvaluatorSnapshot evaluator, RequestEvent request, ScoringInput input, String source,
                              Instant createdAt) {
        EvalJob job = new EvalJob();
        job.setScoreId(scoreId(evaluator.getEvaluatorId(), evaluator.getVersion(), request.getEventId()));
        job.setEvaluator(evaluator);
        job.setRequestEventId(request.getEventId());
        job.setRequestId(request.getRequestId());
        job.setOrgId(request.getOrgId());
        job.setKeyId(request.getKeyId());
        job.setModel(request.getModel());
        job.setEndpointId(request.getEndpointId());
        job.setEnvironment(request.getEnvironment());
        if (request.getEval() != null) {
            job.setRunId(request.getEval().getRunId());
            job.setDatasetId(request.getEval().getDatasetId());
            job.setExampleId(request.getEval().getExampleId());
        }
        List<JobMessage> messages = new ArrayList<>(input.inputMessages().size());
        for (ScoringInput.Message message : input.inputMessages()) {
            messages.add(new JobMessage(message.role(), message.content()));
        }
        job.setInputMessages(messages);
        job.setOutputText(input.output());
        job.setReferenceOutput(input.reference());
        job.setSource(source);
        job.setRequestCompletedAt(request.getCompletedAt());
        job.setCreatedAt(createdAt);
        return job;
    }

    private static void setVerdict(EvalScore record, Score score) {
        record.setScore(score.value());
        record.setPassed(score.passed());
        record.setError(score.error());
        record.setDetail(score.detail());
    }

    private static List<String> sorted(Set<String> values) {
        return new ArrayList<>(new TreeSet<>(values));
    }

    private static void putList(ObjectNode json, String field, Set<String> values) {
        if (!values.isEmpty()) {
            new TreeSet<>(values).forEach(json.putArray(field)::add);
        }
    }
}
