package dev.tollgate.streams.alerts;

/**
 * One input of the evaluator: a subject's usage in a minute, or a record of one of the topics the gateways and the
 * budgets capability publish, still Avro-encoded (the evaluator decodes it in its task, so that a registry outage is
 * retried like one and a bad record is skipped, not failed in a source).
 */
sealed interface Signal {

    /**
     * Usage of a subject in a minute, from {@link UsagePartials}.
     *
     * @param partial the usage
     */
    record Usage(UsagePartial partial) implements Signal {
    }

    /**
     * An Avro record of {@code source}'s topic.
     *
     * @param source which topic it came from
     * @param value  its bytes
     */
    record Encoded(Source source, byte[] value) implements Signal {
    }

    /** The topics whose records reach the evaluator encoded. */
    enum Source {
        /** {@code tollgate.endpoint-health.v1}: {@code EndpointHealthReport}. */
        HEALTH,
        /** {@code tollgate.endpoint-load.v1}: {@code EndpointLoadSample}. */
        LOAD,
        /** {@code tollgate.budget-events.v1}: {@code BudgetThresholdCrossed}. */
        BUDGET
    }
}
