package dev.tollgate.gateway.secrets;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Envelope encryption of secrets at rest and on topics (docs/security.md#secrets): each secret gets its own random
 * 256-bit data key, the secret is encrypted with it (AES-256-GCM), and the data key is wrapped by a key-encryption
 * key of the {@link KeyEncryptionService}. Only the wrapped key, the nonce, the ciphertext and the KEK's id are
 * stored. Re-wrapping replaces only the wrapped data key, so rotating a KEK never re-encrypts a secret.
 *
 * <p>Every operation takes a context, e.g. {@code endpoint/ep-1/upstream_api_key}: it is authenticated with the
 * ciphertext, so a sealed secret copied onto another endpoint's row does not open there.
 */
@Singleton
public class SecretSealer {

    private final KeyEncryptionService keks;

    @Inject
    public SecretSealer(KeyEncryptionService keks) {
        this.keks = keks;
    }

    /**
     * A sealer over an in-memory keyring of {@code keks} (id to 32 bytes), sealing with {@code primary}: for tools
     * and tests that must seal or open what a deployment's keyring would.
     */
    public static SecretSealer withKeys(Map<String, byte[]> keks, String primary) {
        return new SecretSealer(new LocalKeyring(keks, primary));
    }

    /**
     * Seals {@code secret} with the primary KEK.
     *
     * @throws SecretUnavailable when no KEK is configured
     */
    public SealedSecret seal(String secret, String context) {
        String kekId = keks.primaryKeyId();
        if (kekId == null) {
            throw new SecretUnavailable("no key-encryption key is configured (tollgate.secrets), so no secret can be "
                    + "stored");
        }
        byte[] dataKey = Gcm.randomBytes(Gcm.KEY_BYTES);
        try {
            byte[] nonce = Gcm.randomBytes(Envelope.NONCE_BYTES);
            byte[] ciphertext = Gcm.encrypt(dataKey, nonce, secret.getBytes(StandardCharsets.UTF_8), context);
            byte[] wrapped = keks.wrap(kekId, dataKey, context);
            return new SealedSecret(kekId, new Envelope(wrapped, nonce, ciphertext).encode());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * Opens a sealed secret, in memory.
     *
     * @throws SecretUnavailable when its KEK is not held, or it does not authenticate for {@code context}
     */
    public String open(SealedSecret sealed, String context) {
        Envelope envelope = Envelope.decode(sealed.envelope());
        byte[] dataKey = keks.unwrap(sealed.kekId(), envelope.wrappedKey(), context);
        try {
            return new String(Gcm.decrypt(dataKey, envelope.nonce(), envelope.ciphertext(), context, "the secret"),
                    StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * The same secret with its data key wrapped by {@code targetKekId} instead; the ciphertext is unchanged. Checks
     * that the secret still opens before it is returned, so a re-wrap never stores what cannot be read.
     *
     * @throws SecretUnavailable when either KEK is not held or the secret does not authenticate
     */
    public SealedSecret rewrap(SealedSecret sealed, String context, String targetKekId) {
        Envelope envelope = Envelope.decode(sealed.envelope());
        byte[] dataKey = keks.unwrap(sealed.kekId(), envelope.wrappedKey(), context);
        try {
            Gcm.decrypt(dataKey, envelope.nonce(), envelope.ciphertext(), context, "the secret");
            byte[] wrapped = keks.wrap(targetKekId, dataKey, context);
            return new SealedSecret(targetKekId, new Envelope(wrapped, envelope.nonce(), envelope.ciphertext())
                    .encode());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The KEK new secrets are sealed with and re-wraps move to, or null when none is configured. */
    public String primaryKekId() {
        return keks.primaryKeyId();
    }

    /** The ids of every KEK this replica holds. */
    public Set<String> kekIds() {
        return keks.keyIds();
    }
}
