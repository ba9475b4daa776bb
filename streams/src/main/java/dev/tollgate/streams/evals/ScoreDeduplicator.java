package dev.tollgate.streams.evals;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Forwards the first copy of each score and drops later ones: a score id is one evaluator version on one request,
 * so a judge retry, a live score followed by a backfill of the same range, or a backfill run twice all produce
 * copies. Seen ids are filed at the request's completion time (every copy carries the same one), a point lookup in
 * one segment, in a window store whose retention outlasts {@code tollgate.requests.v1}'s: no backfill can reach a
 * request older than that, so no copy can arrive after its id was forgotten.
 */
final class ScoreDeduplicator implements FixedKeyProcessor<String, ScoredRequest, ScoredRequest> {

    private WindowStore<String, Long> seen;
    private FixedKeyProcessorContext<String, ScoredRequest> context;

    @Override
    public void init(FixedKeyProcessorContext<String, ScoredRequest> context) {
        this.context = context;
        this.seen = context.getStateStore(EvalsTopology.DEDUPE_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, ScoredRequest> record) {
        ScoredRequest score = record.value();
        if (seen.fetch(score.scoreId(), score.completedAtMs()) != null) {
            return;
        }
        seen.put(score.scoreId(), record.timestamp(), score.completedAtMs());
        context.forward(record);
    }
}
