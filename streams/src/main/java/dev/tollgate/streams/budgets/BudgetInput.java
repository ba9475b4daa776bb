package dev.tollgate.streams.budgets;

import dev.tollgate.events.v1.BudgetLeaseRequest;
import dev.tollgate.events.v1.UsageEvent;

/**
 * What the spend processor reads, keyed by org id: the deduplicated usage and the gateway replicas' lease requests,
 * merged into one stream so that one processor, in the org's task, owns both the count of each budget and the
 * leases granted against it.
 */
public sealed interface BudgetInput {

    /**
     * A usage event: its cost is counted, and settled against the leases it names.
     *
     * @param event the deduplicated usage event
     */
    record Usage(UsageEvent event) implements BudgetInput {
    }

    /**
     * A replica asks for a lease and/or returns leases.
     *
     * @param request the decoded request
     */
    record LeaseRequest(BudgetLeaseRequest request) implements BudgetInput {
    }
}
