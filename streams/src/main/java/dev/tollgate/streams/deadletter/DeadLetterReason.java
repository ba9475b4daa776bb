package dev.tollgate.streams.deadletter;

/**
 * Why a record went to a dead-letter topic. The name is written to the {@link DeadLetterHeaders#REASON} header and
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
    NEGATIVE_COST
}
