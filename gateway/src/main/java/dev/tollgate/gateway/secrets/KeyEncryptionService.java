package dev.tollgate.gateway.secrets;

import java.util.Set;

/**
 * Wraps and unwraps data keys with key-encryption keys (KEKs): the one thing envelope encryption needs from a key
 * store. The default implementation is a local keyring from configuration ({@link SecretsConfig}). To keep KEKs in
 * a cloud KMS (AWS KMS, Google Cloud KMS, Azure Key Vault, Vault Transit), provide an {@code @ApplicationScoped}
 * bean implementing this interface: it replaces the keyring, and nothing else changes (docs/security.md#kms).
 *
 * <p>Implementations are called when an endpoint's secret is sealed (an admin call), opened (when a replica applies
 * endpoint state, never per request) and re-wrapped; they may block on a remote KMS for that long.
 */
public interface KeyEncryptionService {

    /** The ids of the KEKs this service can unwrap with; empty when none is configured. */
    Set<String> keyIds();

    /** The id of the KEK new secrets are sealed with, or null when none is configured. */
    String primaryKeyId();

    /**
     * Encrypts a data key with a KEK.
     *
     * @param context bound to the result (as GCM associated data, or the KMS's encryption context): unwrapping with
     *                another context fails
     * @throws SecretUnavailable when {@code kekId} is not held
     */
    byte[] wrap(String kekId, byte[] dataKey, String context);

    /**
     * Decrypts a data key wrapped by {@link #wrap} with the same KEK and context.
     *
     * @throws SecretUnavailable when {@code kekId} is not held or the wrapped key does not authenticate
     */
    byte[] unwrap(String kekId, byte[] wrappedKey, String context);
}
