package dev.tollgate.streams.evals;

import java.time.Duration;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

import dev.tollgate.evals.stats.ScoreStats;

/**
 * Adds each score to its hourly window per evaluator version, model and endpoint (by the request's completion
 * time), in the task that owns the evaluator: scores are repartitioned by evaluator id, so one evaluator's windows,
 * and every comparison within one evaluator, are answered by one instance. A window takes scores for as long as the
 * store keeps it ({@link EvalsTopology#WINDOW_RETENTION}): a backfill fills past windows, and never twice, since
 * copies were dropped before.
 */
final class EvalWindows implements Processor<String, ScoredRequest, Void, Void> {

    static final long HOUR_MS = Duration.ofHours(1).toMillis();
    /** Separates the parts of a window key; ids never contain it. */
    static final char SEPARATOR = '\u0000';

    private WindowStore<String, ScoreStats> windows;

    /** The window key of a score: evaluator id first, so one evaluator's windows are one key range. */
    static String key(String evaluatorId, int version, String model, String endpointId) {
        return evaluatorId + SEPARATOR + version + SEPARATOR + model + SEPARATOR + (endpointId == null ? "" : endpointId);
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.windows = context.getStateStore(EvalsTopology.WINDOWS_STORE);
    }

    @Override
    public void process(Record<String, ScoredRequest> record) {
        ScoredRequest score = record.value();
        String key = key(score.evaluatorId(), score.version(), score.model(), score.endpointId());
        long start = score.completedAtMs() - Math.floorMod(score.completedAtMs(), HOUR_MS);
        ScoreStats current = windows.fetch(key, start);
        windows.put(key, (current == null ? ScoreStats.EMPTY : current).add(score.score(), score.passed()), start);
    }
}
