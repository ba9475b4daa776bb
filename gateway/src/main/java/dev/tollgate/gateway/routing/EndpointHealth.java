package dev.tollgate.gateway.routing;

/**
 * A point-in-time view of one endpoint for the admin API and dashboards.
 *
 * @param id          the endpoint id
 * @param model       the model it serves
 * @param environment the environment it serves
 * @param baseUrl     where it is, as registered
 * @param weight      its configured weight
 * @param up          whether its health checks pass
 * @param breaker     its circuit breaker's state
 * @param outstanding requests in flight on it
 * @param dispatched  attempts ever sent to it
 * @param loadPenalty extra load from its own metrics, in outstanding-request units
 * @param routable    whether a request could be sent to it right now
 * @param vllm        the last load read from its {@code /metrics}, or null when none is known (load metrics off,
 *                    a hosted provider, or the last scrape failed)
 */
public record EndpointHealth(String id, String model, Environment environment, String baseUrl, int weight,
                             boolean up, CircuitBreaker.State breaker, int outstanding, long dispatched,
                             double loadPenalty, boolean routable, VllmReading vllm) {
}
