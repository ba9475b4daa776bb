package dev.tollgate.gateway.secrets;

import java.util.Objects;

/**
 * A secret sealed by envelope encryption: what PostgreSQL and the topic hold instead of the secret.
 *
 * @param kekId    id of the key-encryption key that wrapped the data key; public
 * @param envelope the wrapped data key, the nonce and the AES-256-GCM ciphertext ({@link Envelope}); opaque
 */
public record SealedSecret(String kekId, byte[] envelope) {

    public SealedSecret {
        Objects.requireNonNull(kekId, "kekId");
        Objects.requireNonNull(envelope, "envelope");
        envelope = envelope.clone();
    }

    @Override
    public byte[] envelope() {
        return envelope.clone();
    }

    /** The sealed secret stored as {@code kekId} and {@code envelope}, or null when either is null (no secret). */
    public static SealedSecret ofNullable(String kekId, byte[] envelope) {
        return kekId == null || envelope == null ? null : new SealedSecret(kekId, envelope);
    }

    @Override
    public String toString() {
        return "SealedSecret[kekId=" + kekId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedSecret s && s.kekId.equals(kekId) && java.util.Arrays.equals(s.envelope, envelope);
    }

    @Override
    public int hashCode() {
        return 31 * kekId.hashCode() + java.util.Arrays.hashCode(envelope);
    }
}
