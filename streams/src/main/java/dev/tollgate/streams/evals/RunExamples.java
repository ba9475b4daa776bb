package dev.tollgate.streams.evals;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every score of an eval run by example, in the task that owns the run (scores are repartitioned by run id),
 * so one instance answers for a whole run. The latest score of an example replaces an earlier one: a worker that
 * restarted a run sends its examples again, and an example counts once. A run's statistics are computed from these
 * at query time (a dataset is thousands of examples, not millions).
 */
final class RunExamples implements Processor<String, ScoredRequest, Void, Void> {

    /** Separates the parts of a run key; ids never contain it. */
    static final char SEPARATOR = '\u0000';

    private KeyValueStore<String, ScoredRequest> examples;

    /** The prefix of every key of one run. */
    static String prefix(String runId) {
        return runId + SEPARATOR;
    }

    /** The key of one example's score by one evaluator version, for one model. */
    static String key(ScoredRequest score) {
        return prefix(score.runId()) + score.evaluatorId() + SEPARATOR + score.version() + SEPARATOR + score.model()
                + SEPARATOR + score.exampleId();
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.examples = context.getStateStore(EvalsTopology.RUN_EXAMPLES_STORE);
    }

    @Override
    public void process(Record<String, ScoredRequest> record) {
        ScoredRequest score = record.value();
        if (score.runId() != null && score.exampleId() != null) {
            examples.put(key(score), score);
        }
    }
}
