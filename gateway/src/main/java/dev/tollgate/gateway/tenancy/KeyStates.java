package dev.tollgate.gateway.tenancy;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyRecord;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.routing.Environment;
import java.nio.ByteBuffer;
import java.util.HashSet;

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
                .setEnvironment(key.environment).setVersion(key.version).build();
    }

    /** What the key store holds for a published key state. */
    static KeyRecord keyRecord(ApiKeyState state) {
        ByteBuffer digest = state.getDigest().duplicate();
        byte[] bytes = new byte[digest.remaining()];
        digest.get(bytes);
        Principal principal = new Principal(state.getKeyId(), state.getOrgId(), state.getTeamId(),
                new HashSet<>(state.getAllowedModels()), new KeyLimits(state.getRpmLimit(), state.getTpmLimit()),
                state.getEnvironment() == null ? null : Environment.parse(state.getEnvironment()).orElse(null));
        return new KeyRecord(principal, state.getPrefix(), bytes, state.getExpiresAt(), state.getRevokedAt(),
                state.getVersion());
    }
}
