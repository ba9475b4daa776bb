package dev.tollgate.streams.budgets;

import java.time.Duration;

/**
 * How the owner of a hard budget leases it out (docs/budgets.md#leases).
 *
 * @param ttl              how long a replica may admit requests against a lease, from when it asked
 * @param settleGrace      how long after its expiry an unreturned lease still holds its unspent part: the time a live
 *                         replica has to report what its requests in flight may still cost. After it the replica is
 *                         taken for dead and the rest is freed
 * @param returnedHorizon  how long a returned lease waits for the usage events that settle it before the owner gives
 *                         up on them (they were lost) and frees what it still holds
 * @param sweepEvery       how often, on the wall clock, the owner looks for leases to release
 */
public record LeaseTerms(Duration ttl, Duration settleGrace, Duration returnedHorizon, Duration sweepEvery) {

    /** The documented defaults: 10 s leases, released 60 s after expiry, settled within 15 min, swept every 500 ms. */
    public static final LeaseTerms DEFAULTS = new LeaseTerms(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofMinutes(15), Duration.ofMillis(500));

    public LeaseTerms {
        if (ttl.isNegative() || ttl.isZero() || settleGrace.isNegative() || returnedHorizon.isNegative()
                || sweepEvery.isNegative() || sweepEvery.isZero()) {
            throw new IllegalArgumentException("lease terms must be positive: " + ttl + ", " + settleGrace + ", "
                    + returnedHorizon + ", " + sweepEvery);
        }
    }

    /** The terms of {@code config}. */
    public static LeaseTerms of(BudgetLeaseConfig config) {
        return new LeaseTerms(config.leaseTtl(), config.leaseSettleGrace(), config.returnedLeaseHorizon(),
                config.leaseSweepInterval());
    }
}
