package dev.tollgate.gateway.tenancy;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyRecord;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.routing.Environment;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts a key between its three forms: the PostgreSQL row, the {@link ApiKeyState} on {@code tollgate.keys.v1},
 * and the {@link KeyRecord} the hot path holds. The row and the record carry the same fields, so a replica that
 * loads a snapshot and one that reads the topic hold the same key.
 */
final class KeyStates {

    private KeyStates() {
    }

    /** The published state of a key row: digest and prefix, never the key. */
    static ApiKeyState keyState(ApiKeyEntity key) {
        return ApiKeyState.newBuilder().setKeyId(key.id).setOrgId(key.orgId).setTeamId(key.teamId)
                .setPrefix(key.prefix).setDigest(ByteBuffer.wrap(key.digest.clone()))
                .setAllowedModels(key.allowedModelList()).setRpmLimit(key.rpmLimit).setTpmLimit(key.tpmLimit)
                .setExpiresAt(key.expiresAt).setRevokedAt(key.revokedAt).setCreatedAt(key.createdAt)
                .setEnvironment(key.environment).setAllowedEnvironments(key.allowedEnvironmentList())
                .setVersion(key.version).build();
    }

    /** What the key store holds for a published key state; a key without allowed environments may use only its own. */
    static KeyRecord keyRecord(ApiKeyState state) {
        return keyRecord(state, LegacyEnvironments.OWN);
    }

    /**
     * What the key store holds for a published key state. {@code legacy} decides what a key created before allowed
     * environments were a permission (null in its state) may use.
     */
    static KeyRecord keyRecord(ApiKeyState state, LegacyEnvironments legacy) {
        ByteBuffer digest = state.getDigest().duplicate();
        byte[] bytes = new byte[digest.remaining()];
        digest.get(bytes);
        Environment own = state.getEnvironment() == null ? Environment.PRODUCTION
                : Environment.parse(state.getEnvironment()).orElse(Environment.PRODUCTION);
        Principal principal = new Principal(state.getKeyId(), state.getOrgId(), state.getTeamId(),
                new HashSet<>(state.getAllowedModels()), new KeyLimits(state.getRpmLimit(), state.getTpmLimit()),
                own, allowedEnvironments(state.getAllowedEnvironments(), own, legacy));
        return new KeyRecord(principal, state.getPrefix(), bytes, state.getExpiresAt(), state.getRevokedAt(),
                state.getVersion());
    }

    /** The environments a key may use: its list, or for a key without one, what {@code legacy} says. */
    static Set<Environment> allowedEnvironments(List<String> listed, Environment own, LegacyEnvironments legacy) {
        if (listed == null) {
            return legacy == LegacyEnvironments.ANY ? Principal.ANY_ENVIRONMENT : Set.of(own);
        }
        Set<Environment> allowed = EnumSet.noneOf(Environment.class);
        listed.forEach(name -> Environment.parse(name).ifPresent(allowed::add));
        // A list naming no environment this version knows allows nothing rather than everything: its own at most.
        return allowed.isEmpty() ? Set.of(own) : allowed;
    }
}
