package dev.tollgate.gateway.events;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This gateway process as a producer of usage events: an instance id, new at every process start, and a counter
 * that numbers the usage events it creates (1, 2, ...). Every usage event carries both ({@code producer_id},
 * {@code producer_sequence}), set once when the event is built and before it is journaled, so a journal replay by a
 * later process or a re-publish after a Kafka outage carries the number the event was first given.
 *
 * <p>Why: the streams app deduplicates stamped events with one bit per number per producer (in blocks of 1,024,
 * as an IPsec anti-replay window keeps its bitmap), written once per commit, instead of one store write and one
 * changelog record per event id (docs/streams.md, docs/decisions/0025-anti-replay-dedupe.md).
 *
 * <p>Why a new id per process rather than a stable replica name: the counter starts again at every start, and the
 * same id with a restarted counter would make the new events look like replays of the old ones. Numbers an event
 * never used (an event refused by a full buffer) leave a gap, which costs the streams app nothing.
 */
public final class ProducerStamp {

    /** The stamp of this process. */
    public static final ProducerStamp PROCESS = new ProducerStamp(UUID.randomUUID().toString());

    private final String producerId;
    private final AtomicLong sequence = new AtomicLong();

    ProducerStamp(String producerId) {
        this.producerId = producerId;
    }

    /** The instance id of this producer (a UUID). */
    public String producerId() {
        return producerId;
    }

    /** The next number of this producer's sequence; each call returns a new one, from any thread. */
    public long next() {
        return sequence.incrementAndGet();
    }
}
