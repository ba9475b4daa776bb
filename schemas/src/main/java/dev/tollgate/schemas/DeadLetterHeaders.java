package dev.tollgate.schemas;

import java.util.List;

/**
 * The headers a dead-lettered record carries on top of its original headers, on every dead-letter topic of the
 * platform (the streams app's, the evals worker's). Names and meanings are a contract (alerting and replay tooling
 * read them); all values are UTF-8 strings.
 */
public final class DeadLetterHeaders {

    /** Why: a stable reason name, such as {@code UNDECODABLE}. */
    public static final String REASON = "tollgate.dlq.reason";
    /** A human-readable explanation of the reason. */
    public static final String DETAIL = "tollgate.dlq.detail";
    /** The class of the exception that rejected the record; absent when a validation rule did. */
    public static final String EXCEPTION = "tollgate.dlq.exception";
    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "tollgate.dlq.source-topic";
    /** The partition the record was read from. */
    public static final String SOURCE_PARTITION = "tollgate.dlq.source-partition";
    /** The offset the record was read from. */
    public static final String SOURCE_OFFSET = "tollgate.dlq.source-offset";
    /** The application that rejected it: a Kafka Streams application id, or a consumer group. */
    public static final String APPLICATION_ID = "tollgate.dlq.application-id";

    /** Every header this class defines, e.g. to strip them before a replay. */
    public static final List<String> ALL =
            List.of(REASON, DETAIL, EXCEPTION, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET, APPLICATION_ID);

    private DeadLetterHeaders() {
    }
}
