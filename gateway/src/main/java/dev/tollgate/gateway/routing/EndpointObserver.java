package dev.tollgate.gateway.routing;

/**
 * Told what this replica's background checks see of an endpoint: its health flipping, and vLLM's load gauges. A
 * feature that needs these (alerting signals, say) implements it as a bean; {@link HealthChecker} finds every
 * implementation, so routing never depends on the features that watch it.
 *
 * <p>Calls come from the checker's Vert.x callbacks: an implementation must not block.
 */
public interface EndpointObserver {

    /**
     * The health checks took {@code endpoint} down or brought it back up.
     *
     * @param up     its new state
     * @param reason why the last check failed ({@code status_503}, a connection error), or null when up
     */
    void healthChanged(Endpoint endpoint, boolean up, String reason);

    /**
     * Whether vLLM's {@code /metrics} must be scraped for this observer even when routing does not use the load
     * (tollgate.routing.load-metrics.enabled=false).
     */
    default boolean wantsLoad() {
        return false;
    }

    /** One successful scrape of {@code endpoint}'s {@code /metrics}. */
    default void loadSampled(Endpoint endpoint, VllmLoad load) {
    }
}
