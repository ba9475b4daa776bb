package dev.tollgate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How keys are stored: a SHA-256 digest, found by a short prefix and compared in constant time. A key is
 * high-entropy random bytes, so an unsalted fast hash is enough; what matters is that the plain key is never
 * stored and the comparison does not leak timing.
 */
final class ApiKeyHash {

    /** Characters of the key used to find its record; public, like a username. */
    static final int PREFIX_LENGTH = 12;

    private ApiKeyHash() {
    }

    static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    static String prefix(String key) {
        return key.length() <= PREFIX_LENGTH ? key : key.substring(0, PREFIX_LENGTH);
    }

    static boolean matches(byte[] storedDigest, String presentedKey) {
        return MessageDigest.isEqual(storedDigest, digest(presentedKey));
    }
}
