package dev.tollgate.streams.evals;

/**
 * What the scorer publishes, already serialized by the registry-backed Avro serializer inside the task (so a
 * registry outage is retried like one rather than failing in a sink). The key of each output record is the score
 * id.
 */
sealed interface EvalOutput {

    /** The Avro-encoded value. */
    byte[] value();

    /**
     * An {@code EvalScore}, for {@code tollgate.eval-scores.v1}.
     *
     * @param value the Avro-encoded record
     */
    record Scored(byte[] value) implements EvalOutput {
    }

    /**
     * An {@code EvalJob}, for {@code tollgate.eval-jobs.v1}: a score the evals worker must ask a model for.
     *
     * @param value the Avro-encoded record
     */
    record Job(byte[] value) implements EvalOutput {
    }
}
