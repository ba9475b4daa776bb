package dev.tollgate.gateway.budget;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Budget admission settings ({@code tollgate.budgets.*}). The budgets themselves are admin state
 * ({@code /admin/v1/budgets}); these only tune how a replica enforces them. How long a lease lasts is the owner's
 * setting ({@code tollgate.streams.budgets.*} of the streams app). See docs/budgets.md.
 */
@ConfigMapping(prefix = "tollgate.budgets")
public interface BudgetConfig {

    /** Whether hard budgets refuse requests. Off, budgets are still defined and counted by the streams app. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Request body bytes per prompt token when reserving a request's worst-case prompt cost before the upstream
     * has counted it. 1 is a true upper bound (a token is never shorter than one byte, and the JSON around the
     * messages outweighs any chat-template tokens), so a lease never pays for more than it was granted; a larger
     * value reserves less and admits more near the limit, at the price of possible overspend by prompts longer
     * than estimated.
     */
    @WithDefault("1")
    int promptBytesPerToken();

    /** How long start-up waits to read the budget states before readiness reports DOWN meanwhile. */
    @WithDefault("30s")
    Duration loadTimeout();

    /**
     * How much of its recent spend a replica asks a lease to cover: about this long at its current rate. It asks
     * for the next lease when what it holds falls below half of that, so a request rarely waits.
     */
    @WithDefault("2s")
    Duration leaseHorizon();

    /**
     * How long a request with no lease to pay from may wait for one, on the event loop without blocking it. After
     * that it is refused: 429 {@code budget_exceeded} when the owner said the budget is spent, 503
     * {@code budget_owner_unavailable} when the owner did not answer. An ask unanswered this long also marks the
     * owner unreachable, and later requests are refused at once until it answers.
     */
    @WithDefault("1s")
    Duration leaseWait();

    /** A lease this replica has not admitted against for this long is returned, so other replicas can use it. */
    @WithDefault("3s")
    Duration leaseIdleReturn();

    /**
     * This replica's id in lease requests and grants. Unset, a new one is made at every start (host name and a
     * random suffix): a restarted replica holds no lease, and those of its former self expire.
     */
    Optional<String> replicaId();
}
