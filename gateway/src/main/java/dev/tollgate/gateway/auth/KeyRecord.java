package dev.tollgate.gateway.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored key as a replica holds it: never the plain key, only its public prefix and SHA-256 digest, with who
 * it belongs to and whether it is still usable.
 *
 * @param principal who the key authenticates as (id, tenancy, models, limits)
 * @param prefix    the key's first {@value ApiKeys#PREFIX_LENGTH} characters, used to find the digest
 * @param digest    SHA-256 of the key
 * @param expiresAt when the key stops working, or null for never
 * @param revokedAt when the key was revoked, or null
 * @param version   the row version it came from; an older version never replaces a newer one
 */
public record KeyRecord(Principal principal, String prefix, byte[] digest, Instant expiresAt, Instant revokedAt,
                        long version) {

    public KeyRecord {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(prefix, "prefix");
        if (digest == null || digest.length != 32) {
            throw new IllegalArgumentException("a key digest is 32 bytes of SHA-256");
        }
        digest = digest.clone();
    }

    /** Why this key would be refused at {@code now}, or null when it is usable. */
    public KeyStore.Refusal refusalAt(Instant now) {
        if (revokedAt != null && !revokedAt.isAfter(now)) {
            return KeyStore.Refusal.REVOKED;
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            return KeyStore.Refusal.EXPIRED;
        }
        return null;
    }
}
