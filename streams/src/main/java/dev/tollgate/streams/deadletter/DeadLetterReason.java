package dev.tollgate.streams.deadletter;

/**
 * Why a record went to a dead-letter topic. The name is written to the
 * {@link dev.tollgate.schemas.DeadLetterHeaders#REASON} header and
 * is a contract: alerting and replay tooling match on it, so values are only ever added.
 */
public enum DeadLetterReason {
    /** The bytes are not a decodable event of the contract (bad framing, unknown schema id, corrupt Avro). */
    UNDECODABLE,
    /** The record has no value (a tombstone), which an event log never carries. */
    MISSING_VALUE,
    /** The event has no {@code event_id}, so it cannot be deduplicated. */
    BLANK_EVENT_ID,
    /** The event has no {@code org_id}, so it cannot be attributed. */
    BLANK_ORG_ID,
    /** The record key is not the event's {@code org_id}: the producer broke per-org partitioning. */
    KEY_MISMATCH,
    /** A token count is negative. */
    NEGATIVE_TOKENS,
    /** The cost is negative. */
    NEGATIVE_COST,
    /**
     * A time no real event can have: {@code completed_at} before 1970, or later than the record's own timestamp
     * (beyond a small clock skew), as if the event had been published before it completed. The dedupe store files
     * an event under its {@code completed_at}, and such a time would move that store's clock past every real event.
     */
    IMPOSSIBLE_TIME
}
