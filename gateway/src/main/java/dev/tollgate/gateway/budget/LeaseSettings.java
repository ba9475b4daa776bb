package dev.tollgate.gateway.budget;

import java.time.Duration;

/**
 * How this replica uses leases, in nanoseconds of the monotonic clock ({@link BudgetConfig}).
 *
 * @param replicaId     the id grants name
 * @param horizonNanos  a lease covers about this long of the replica's recent spend
 * @param waitNanos     how long a request may wait for a lease; also when an unanswered ask marks the owner unreachable
 * @param idleNanos     a lease unused this long is returned
 */
record LeaseSettings(String replicaId, long horizonNanos, long waitNanos, long idleNanos) {

    /** The settings of {@code config}, for replica {@code replicaId}. */
    static LeaseSettings of(BudgetConfig config, String replicaId) {
        return new LeaseSettings(replicaId, config.leaseHorizon().toNanos(), config.leaseWait().toNanos(),
                config.leaseIdleReturn().toNanos());
    }

    /** The defaults of {@link BudgetConfig}, for tests. */
    static LeaseSettings defaults(String replicaId) {
        return new LeaseSettings(replicaId, Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(1).toNanos(),
                Duration.ofSeconds(3).toNanos());
    }
}
