package dev.tollgate.gateway.auth;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes new API keys: {@code tg_} followed by 32 random bytes in unpadded base64url (256 bits of entropy). A key
 * that random needs no salt or slow hash: its SHA-256 digest cannot be reversed or guessed, so storing and
 * publishing the digest is safe, while the plain key is shown to its owner once and never stored.
 */
public final class ApiKeys {

    /** Every generated key starts with this, so leaked keys are easy to recognise and scan for. */
    public static final String KEY_PREFIX = "tg_";
    /** Characters of a key that are public and find its record; equal to what the key store indexes by. */
    public static final int PREFIX_LENGTH = ApiKeyHash.PREFIX_LENGTH;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /**
     * A new key, its public prefix and its digest.
     *
     * @param plain  the key itself: hand it to the caller once, never log or store it
     * @param prefix its public lookup prefix
     * @param digest its SHA-256 digest, what is stored
     */
    public record Generated(String plain, String prefix, byte[] digest) {
        @Override
        public String toString() {
            return "Generated[prefix=" + prefix + "]";
        }
    }

    /** Generates a fresh random key. */
    public static Generated generate() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        String plain = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new Generated(plain, ApiKeyHash.prefix(plain), ApiKeyHash.digest(plain));
    }

    /** The SHA-256 digest of {@code key}, as stored. */
    public static byte[] digest(String key) {
        return ApiKeyHash.digest(key);
    }

    /** The public lookup prefix of {@code key}. */
    public static String prefix(String key) {
        return ApiKeyHash.prefix(key);
    }
}
