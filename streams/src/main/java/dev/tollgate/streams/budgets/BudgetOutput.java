package dev.tollgate.streams.budgets;

/**
 * What the spend processor publishes, already serialized by the registry-backed Avro serializer inside the task
 * (so that a registry outage is retried like one, see {@link dev.tollgate.streams.serde.RegistryUnavailableException},
 * instead of failing in a sink). The key of a state or crossing is the budget id; of a grant, the org id.
 */
public sealed interface BudgetOutput {

    /** The Avro-encoded value. */
    byte[] value();

    /**
     * A {@code BudgetState}, for {@code tollgate.budget-state.v1}.
     *
     * @param value the Avro-encoded record
     */
    record State(byte[] value) implements BudgetOutput {
    }

    /**
     * A {@code BudgetThresholdCrossed}, for {@code tollgate.budget-events.v1}.
     *
     * @param value the Avro-encoded record
     */
    record Crossed(byte[] value) implements BudgetOutput {
    }

    /**
     * A {@code BudgetLeaseGrant}, for {@code tollgate.budget-lease-grants.v1}.
     *
     * @param value the Avro-encoded record
     */
    record Grant(byte[] value) implements BudgetOutput {
    }
}
