package dev.tollgate.streams.budgets;

import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.BudgetState;
import dev.tollgate.events.v1.BudgetThresholdCrossed;

/**
 * The registry-backed Avro serdes the budgets sub-topology makes per task (production: the registry over HTTP;
 * unit tests: an in-memory registry).
 *
 * @param definitions   decodes {@code tollgate.budgets.v1} values
 * @param states        encodes {@code tollgate.budget-state.v1} values
 * @param events        encodes {@code tollgate.budget-events.v1} values
 * @param leaseRequests decodes {@code tollgate.budget-lease-requests.v1} values
 * @param grants        encodes {@code tollgate.budget-lease-grants.v1} values
 */
public record BudgetSerdes(
        Supplier<Deserializer<BudgetDefinition>> definitions,
        Supplier<Serializer<BudgetState>> states,
        Supplier<Serializer<BudgetThresholdCrossed>> events,
        Supplier<Deserializer<BudgetLeaseRequest>> leaseRequests,
        Supplier<Serializer<BudgetLeaseGrant>> grants) {
}
