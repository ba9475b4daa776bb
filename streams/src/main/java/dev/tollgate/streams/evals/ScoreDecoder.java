package dev.tollgate.streams.evals;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.deadletter.DeadLetter;
import dev.tollgate.streams.deadletter.DeadLetterReason;
import dev.tollgate.streams.serde.RegistryUnavailableException;

/**
 * Decodes a record of {@code tollgate.eval-scores.v1} (from this app, the evals worker or a backfill) into what the
 * aggregation keeps, or into a dead letter for {@code tollgate.evals-dlq.v1}: bytes that are not a score, or a score
 * without its id, evaluator or completion time. A registry outage is thrown, not dead-lettered.
 */
final class ScoreDecoder implements FixedKeyProcessor<String, byte[], Object> {

    private final Deserializer<EvalScore> deserializer;
    private FixedKeyProcessorContext<String, Object> context;

    ScoreDecoder(Deserializer<EvalScore> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        context.forward(record.withValue(decode(record)));
    }

    private Object decode(FixedKeyRecord<String, byte[]> record) {
        if (record.value() == null) {
            return DeadLetter.rule(DeadLetterReason.MISSING_VALUE, "record has no value", null);
        }
        EvalScore score;
        try {
            score = deserializer.deserialize(Topics.EVAL_SCORES, record.headers(), record.value());
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.isRegistryOutage(e)) {
                throw new RegistryUnavailableException("schema registry unavailable while decoding a score", e);
            }
            return new DeadLetter(DeadLetterReason.UNDECODABLE, DeadLetter.describe(e), e.getClass().getName(),
                    record.value());
        }
        if (score == null || score.getScoreId() == null || score.getScoreId().isBlank()
                || score.getEvaluatorId() == null || score.getRequestCompletedAt() == null) {
            return DeadLetter.rule(DeadLetterReason.BLANK_EVENT_ID, "a score needs its score_id, evaluator_id and "
                    + "request_completed_at", record.value());
        }
        return ScoredRequest.of(score);
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
