package dev.tollgate.gateway.registry;

import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.gateway.secrets.SealedSecret;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Converts an endpoint between its three forms: the PostgreSQL row, the {@link EndpointState} on
 * {@code tollgate.endpoints.v1}, and the routable {@link Endpoint} the hot path holds. The row and the record carry
 * the same fields, so a replica that loads a snapshot and one that reads the topic route the same way.
 */
final class EndpointRecords {

    private EndpointRecords() {
    }

    /**
     * The published state of an endpoint row, its upstream key sealed as it is in the row: gateways open it in memory
     * when they apply the state; the topic never carries it in clear.
     */
    static EndpointState endpointState(EndpointEntity endpoint) {
        return EndpointState.newBuilder().setEndpointId(endpoint.id).setModel(endpoint.model)
                .setEnvironment(Environment.valueOf(endpoint.environment.toUpperCase(Locale.ROOT)))
                .setBaseUrl(endpoint.baseUrl).setUpstreamApiKey(null)
                .setUpstreamKeyKekId(endpoint.upstreamKeyKekId)
                .setUpstreamKeyEnvelope(endpoint.upstreamKeyEnvelope == null ? null
                        : ByteBuffer.wrap(endpoint.upstreamKeyEnvelope.clone())).setWeight(endpoint.weight)
                .setStatus(EndpointStatus.valueOf(endpoint.status.toUpperCase(Locale.ROOT)))
                .setInputPricePerMillionMicros(endpoint.inputPricePerMillionMicros)
                .setOutputPricePerMillionMicros(endpoint.outputPricePerMillionMicros)
                .setPriceVersion(endpoint.priceVersion).setMaxContext(endpoint.maxContext)
                .setVersion(endpoint.version).build();
    }

    /**
     * The context an endpoint's sealed upstream key is bound to: a sealed key copied onto another endpoint does not
     * open there.
     */
    static String secretContext(String endpointId) {
        return "endpoint/" + endpointId + "/upstream_api_key";
    }

    /** The sealed upstream key of a published state, or null when it has none. */
    static SealedSecret sealedKey(EndpointState state) {
        if (state.getUpstreamKeyEnvelope() == null) {
            return null;
        }
        ByteBuffer envelope = state.getUpstreamKeyEnvelope().duplicate();
        byte[] bytes = new byte[envelope.remaining()];
        envelope.get(bytes);
        return SealedSecret.ofNullable(state.getUpstreamKeyKekId(), bytes);
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
