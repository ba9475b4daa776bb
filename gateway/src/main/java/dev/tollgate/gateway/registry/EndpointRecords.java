package dev.tollgate.gateway.registry;

import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import java.net.URI;
import java.util.Locale;

/**
 * Converts an endpoint between its three forms: the PostgreSQL row, the {@link EndpointState} on
 * {@code tollgate.endpoints.v1}, and the routable {@link Endpoint} the hot path holds. The row and the record carry
 * the same fields, so a replica that loads a snapshot and one that reads the topic route the same way.
 */
final class EndpointRecords {

    private EndpointRecords() {
    }

    /** The published state of an endpoint row, secret included: gateways need it to call the endpoint. */
    static EndpointState endpointState(EndpointEntity endpoint) {
        return EndpointState.newBuilder().setEndpointId(endpoint.id).setModel(endpoint.model)
                .setEnvironment(Environment.valueOf(endpoint.environment.toUpperCase(Locale.ROOT)))
                .setBaseUrl(endpoint.baseUrl).setUpstreamApiKey(endpoint.upstreamApiKey).setWeight(endpoint.weight)
                .setStatus(EndpointStatus.valueOf(endpoint.status.toUpperCase(Locale.ROOT)))
                .setInputPricePerMillionMicros(endpoint.inputPricePerMillionMicros)
                .setOutputPricePerMillionMicros(endpoint.outputPricePerMillionMicros)
                .setPriceVersion(endpoint.priceVersion).setMaxContext(endpoint.maxContext)
                .setVersion(endpoint.version).build();
    }

    /** The routable endpoint of a published endpoint state. */
    static Endpoint endpoint(EndpointState state) {
        return new Endpoint(state.getEndpointId(), state.getModel(), URI.create(state.getBaseUrl()),
                new Price(state.getInputPricePerMillionMicros(), state.getOutputPricePerMillionMicros(),
                        state.getPriceVersion()), Math.max(1, state.getWeight()),
                dev.tollgate.gateway.routing.Environment.valueOf(state.getEnvironment().name()));
    }

    /** Whether a replica serving {@code environment} ({@code all} or one environment) routes to it now. */
    static boolean routable(EndpointState state, String environment) {
        return state.getStatus() == EndpointStatus.READY && ("all".equalsIgnoreCase(environment)
                || state.getEnvironment().name().equalsIgnoreCase(environment));
    }

    /** Never prints the upstream secret; for logs. */
    static String describe(EndpointState state) {
        return "endpoint=" + state.getEndpointId() + " model=" + state.getModel() + " environment="
                + state.getEnvironment() + " status=" + state.getStatus() + " version=" + state.getVersion();
    }
}
