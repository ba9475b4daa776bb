package dev.tollgate.gateway.sync;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.control.v1.EndpointStatus;
import dev.tollgate.control.v1.Environment;
import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyRecord;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.registry.EndpointEntity;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.gateway.tenancy.ApiKeyEntity;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Locale;

/**
 * Converts admin state between its three forms: PostgreSQL rows, the Avro records on the compacted topics, and
 * what the hot path holds in memory. The rows and the records carry the same fields, so a replica that loads
 * a snapshot from PostgreSQL and one that reads the topic end up holding the same thing.
 */
public final class States {

    private States() {
    }

    /** The published state of a key row. */
    public static ApiKeyState keyState(ApiKeyEntity key) {
        return ApiKeyState.newBuilder().setKeyId(key.id).setOrgId(key.orgId).setTeamId(key.teamId)
                .setPrefix(key.prefix).setDigest(ByteBuffer.wrap(key.digest.clone()))
                .setAllowedModels(key.allowedModelList()).setRpmLimit(key.rpmLimit).setTpmLimit(key.tpmLimit)
                .setExpiresAt(key.expiresAt).setRevokedAt(key.revokedAt).setCreatedAt(key.createdAt)
                .setEnvironment(key.environment).setVersion(key.version).build();
    }

    /** What the key store holds for a published key state. */
    public static KeyRecord keyRecord(ApiKeyState state) {
        ByteBuffer digest = state.getDigest().duplicate();
        byte[] bytes = new byte[digest.remaining()];
        digest.get(bytes);
        Principal principal = new Principal(state.getKeyId(), state.getOrgId(), state.getTeamId(),
                new HashSet<>(state.getAllowedModels()), new KeyLimits(state.getRpmLimit(), state.getTpmLimit()),
                state.getEnvironment() == null ? null
                        : dev.tollgate.gateway.routing.Environment.parse(state.getEnvironment()).orElse(null));
        return new KeyRecord(principal, state.getPrefix(), bytes, state.getExpiresAt(), state.getRevokedAt(),
                state.getVersion());
    }

    /** The published state of an endpoint row, secret included: gateways need it to call the endpoint. */
    public static EndpointState endpointState(EndpointEntity endpoint) {
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
    public static Endpoint endpoint(EndpointState state) {
        return new Endpoint(state.getEndpointId(), state.getModel(), URI.create(state.getBaseUrl()),
                new Price(state.getInputPricePerMillionMicros(), state.getOutputPricePerMillionMicros(),
                        state.getPriceVersion()), Math.max(1, state.getWeight()),
                dev.tollgate.gateway.routing.Environment.valueOf(state.getEnvironment().name()));
    }

    /** Whether a replica serving {@code environment} ({@code all} or one environment) routes to it now. */
    public static boolean routable(EndpointState state, String environment) {
        return state.getStatus() == EndpointStatus.READY && ("all".equalsIgnoreCase(environment)
                || state.getEnvironment().name().equalsIgnoreCase(environment));
    }

    /** Never prints the digest or the upstream secret; for logs. */
    static String describe(EndpointState state) {
        return "endpoint=" + state.getEndpointId() + " model=" + state.getModel() + " environment="
                + state.getEnvironment() + " status=" + state.getStatus() + " version=" + state.getVersion();
    }
}
