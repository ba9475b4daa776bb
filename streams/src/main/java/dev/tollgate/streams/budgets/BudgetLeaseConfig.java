package dev.tollgate.streams.budgets;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the budgets capability leases hard budgets out to gateway replicas ({@link LeaseTerms}; docs/budgets.md). */
@ConfigMapping(prefix = "tollgate.streams.budgets")
public interface BudgetLeaseConfig {

    /** How long a replica may admit requests against a lease, from when it asked for it. */
    @WithDefault("PT10S")
    Duration leaseTtl();

    /**
     * How long after its expiry an unreturned lease still holds its unspent part: the time a live replica cut off
     * from Kafka has to report what its requests in flight may still cost. A replica that died returns nothing; its
     * leases are freed this long after they expire.
     */
    @WithDefault("PT60S")
    Duration leaseSettleGrace();

    /** How long a returned lease waits for the usage events that settle it before its hold is freed anyway. */
    @WithDefault("PT15M")
    Duration returnedLeaseHorizon();

    /** How often, on the wall clock, the owner releases expired leases. */
    @WithDefault("PT0.5S")
    Duration leaseSweepInterval();
}
