package dev.tollgate.streams.evals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.definition.Definitions;
import dev.tollgate.evals.definition.Sampling;
import dev.tollgate.evals.definition.Selector;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.Scorers;
import dev.tollgate.evals.scoring.ScoringInput;
import dev.tollgate.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Scores each request event with the evaluators that apply to it, in the stream thread:
 * <ul>
 *   <li>a request of an eval run, with the run's own evaluator versions, against its example's reference output
 *       (source {@code run});</li>
 *   <li>any other request, with every active evaluator whose selector matches it and whose sample includes it
 *       (source {@code live}).</li>
 * </ul>
 * A deterministic evaluator scores at once ({@link Scorers}: no I/O, bounded work); one that calls a model becomes
 * a job for the evals worker, since a stream thread must never wait on a remote call. A request that cannot be
 * scored is counted by reason ({@link SkipReason}), never silently dropped.
 *
 * <p>The active evaluators are read from the global store only after it changed ({@link CatalogChanges}), and
 * definitions are parsed once per version.
 */
final class EvalScorer implements Processor<String, RequestEvent, String, EvalOutput> {

    /** Parsed definitions kept per task; versions beyond this are parsed again when needed. */
    private static final int DEFINITION_CACHE = 1_000;

    private final Serializer<EvalScore> scores;
    private final Serializer<EvalJob> jobs;
    private final CatalogChanges changes;
    private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
    private final Counter scoredCount;
    private final Counter jobCount;
    private final Map<String, Definition> definitions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Definition> eldest) {
            return size() > DEFINITION_CACHE;
        }
    };
    private ProcessorContext<String, EvalOutput> context;
    private KeyValueStore<String, EvaluatorEntry> evaluators;
    private KeyValueStore<String, RunEntry> runs;
    private KeyValueStore<String, ExampleEntry> examples;
    private long seenChanges = -1;
    private List<Live> live = List.of();

    /** An active evaluator, ready to select and score. */
    private record Live(EvaluatorSnapshot snapshot, Selector selector, double samplingRate) {
    }

    /**
     * @param scores  encodes scores; closed with the processor
     * @param jobs    encodes jobs; closed with the processor
     * @param changes the catalog's change count
     * @param metrics where the counters go
     */
    EvalScorer(Serializer<EvalScore> scores, Serializer<EvalJob> jobs, CatalogChanges changes, MeterRegistry metrics) {
        this.scores = scores;
        this.jobs = jobs;
        this.changes = changes;
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason, Counter.builder("tollgate.evals.requests.skipped").tag("reason", reason.tag())
                    .description("Request events not scored, by reason").register(metrics));
        }
        this.scoredCount = Counter.builder("tollgate.evals.scores").description("Scores given in the stream")
                .register(metrics);
        this.jobCount = Counter.builder("tollgate.evals.jobs")
                .description("Scores handed to the evals worker (judges, embeddings)").register(metrics);
    }

    @Override
    public void init(ProcessorContext<String, EvalOutput> context) {
        this.context = context;
        this.evaluators = context.getStateStore(EvalsTopology.EVALUATORS_STORE);
        this.runs = context.getStateStore(EvalsTopology.RUNS_STORE);
        this.examples = context.getStateStore(EvalsTopology.EXAMPLES_STORE);
    }

    @Override
    public void process(Record<String, RequestEvent> record) {
        RequestEvent request = record.value();
        SkipReason skip = skipReason(request);
        if (skip != null) {
            skipped.get(skip).increment();
            return;
        }
        String runId = request.getEval() == null ? null : request.getEval().getRunId();
        if (runId != null) {
            scoreRun(record, request, runId);
        } else {
            scoreLive(record, request);
        }
    }

    private static SkipReason skipReason(RequestEvent request) {
        if (request.getEval() != null && request.getEval().getJudge()) {
            return SkipReason.JUDGE_CALL;
        }
        if (request.getStatus() != RequestStatus.OK) {
            return SkipReason.NOT_ANSWERED;
        }
        if ("embeddings".equals(request.getApi())) {
            return SkipReason.EMBEDDINGS;
        }
        if (request.getContent() == null) {
            return SkipReason.NO_CONTENT;
        }
        return null;
    }

    private void scoreRun(Record<String, RequestEvent> record, RequestEvent request, String runId) {
        RunEntry run = runs.get(runId);
        if (run == null) {
            skipped.get(SkipReason.UNKNOWN_RUN).increment();
            return;
        }
        ExampleEntry example = request.getEval().getExampleId() == null ? null : examples.get(
                ExampleEntry.key(request.getEval().getDatasetId(), request.getEval().getExampleId()));
        ScoringInput input = EvalContract.input(request, example == null ? null : example.referenceOutput());
        for (RunEntry.Snapshot evaluator : run.evaluators()) {
            emit(record, request, evaluator.toAvro(), input, EvalContract.RUN);
        }
    }

    private void scoreLive(Record<String, RequestEvent> record, RequestEvent request) {
        refreshLive();
        if (live.isEmpty()) {
            return;
        }
        var target = EvalContract.target(request);
        ScoringInput input = null;
        for (Live evaluator : live) {
            if (evaluator.selector().matches(target)
                    && Sampling.sampled(request.getEventId(), evaluator.samplingRate())) {
                if (input == null) {
                    input = EvalContract.input(request, null);
                }
                emit(record, request, evaluator.snapshot(), input, EvalContract.LIVE);
            }
        }
    }

    private void emit(Record<String, RequestEvent> record, RequestEvent request, EvaluatorSnapshot evaluator,
                      ScoringInput input, String source) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        String scoreId = EvalContract.scoreId(evaluator.getEvaluatorId(), evaluator.getVersion(),
                request.getEventId());
        Definition definition = definition(evaluator);
        if (definition.callsModel()) {
            EvalJob job = EvalContract.job(evaluator, request, input, source, now);
            context.forward(record.withKey(scoreId).withValue(new EvalOutput.Job(jobs.serialize(Topics.EVAL_JOBS, job))));
            jobCount.increment();
            return;
        }
        Score score;
        try {
            score = Scorers.score(definition, input);
        } catch (RuntimeException e) {
            score = Score.error("scoring_failed", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        EvalScore scored = EvalContract.score(evaluator, request, score, source, now);
        context.forward(record.withKey(scoreId)
                .withValue(new EvalOutput.Scored(scores.serialize(Topics.EVAL_SCORES, scored))));
        scoredCount.increment();
    }

    private Definition definition(EvaluatorSnapshot evaluator) {
        return definitions.computeIfAbsent(evaluator.getEvaluatorId() + "@" + evaluator.getVersion(),
                key -> Definitions.parse(evaluator.getType(), evaluator.getDefinitionJson()));
    }

    /** Reloads the active evaluators when the global thread changed the catalog since the last look. */
    private void refreshLive() {
        long count = changes.count();
        if (count == seenChanges) {
            return;
        }
        List<Live> active = new ArrayList<>();
        try (KeyValueIterator<String, EvaluatorEntry> all = evaluators.all()) {
            while (all.hasNext()) {
                EvaluatorEntry e = all.next().value;
                if (e != null && e.active()) {
                    active.add(new Live(e.snapshot(), new Selector(Set.copyOf(e.orgs()), Set.copyOf(e.models()),
                            Set.copyOf(e.endpoints()), Set.copyOf(e.environments()), Set.copyOf(e.keys()),
                            e.tags()), e.samplingRate()));
                }
            }
        }
        live = List.copyOf(active);
        seenChanges = count;
    }

    @Override
    public void close() {
        scores.close();
        jobs.close();
    }
}
