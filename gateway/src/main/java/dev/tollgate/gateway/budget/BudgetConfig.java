package dev.tollgate.gateway.budget;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Budget admission settings ({@code tollgate.budgets.*}). The budgets themselves are admin state
 * ({@code /admin/v1/budgets}); these only tune how a replica enforces them. See docs/budgets.md.
 */
@ConfigMapping(prefix = "tollgate.budgets")
public interface BudgetConfig {

    /** Whether hard budgets refuse requests. Off, budgets are still defined and counted by the streams app. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Request body bytes per prompt token when reserving a request's worst-case prompt cost before the upstream
     * has counted it. 1 is a true upper bound (a token is never shorter than one byte, and the JSON around the
     * messages outweighs any chat-template tokens), so one replica never overspends; a larger value reserves less
     * and admits more near the limit, at the price of possible overspend by prompts longer than estimated.
     */
    @WithDefault("1")
    int promptBytesPerToken();

    /**
     * How long a finished request's cost stays in the local ledger after the published state is as of its
     * completion time. It absorbs usage events that reach the topic out of completion order.
     */
    @WithDefault("500ms")
    Duration localSpendOverlap();

    /** How long start-up waits to read the budget states before readiness reports DOWN meanwhile. */
    @WithDefault("30s")
    Duration loadTimeout();
}
