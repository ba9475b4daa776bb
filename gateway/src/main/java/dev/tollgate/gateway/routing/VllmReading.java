package dev.tollgate.gateway.routing;

/**
 * One successful read of an endpoint's own load signals, kept so that operators see what the router sees.
 *
 * @param load     what the endpoint's {@code /metrics} said
 * @param readAtMs when it was read, epoch milliseconds
 */
public record VllmReading(VllmLoad load, long readAtMs) {
}
