package dev.tollgate.gateway.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM from the JDK (no extra provider): 96-bit random nonces, 128-bit tags, a context string as associated
 * data. A key encrypts at most a handful of values (a data key one secret, a KEK its data keys), far below GCM's
 * random-nonce limit of 2^32 messages per key.
 */
final class Gcm {

    static final int KEY_BYTES = 32;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Gcm() {
    }

    static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext, String context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required by every JVM: " + e.getClass().getSimpleName(), e);
        }
    }

    /** @throws SecretUnavailable when the ciphertext does not authenticate under this key and context */
    static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext, String context, String what) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(ciphertext);
        } catch (AEADBadTagException e) {
            throw new SecretUnavailable(what + " does not authenticate (wrong key, or tampered with)");
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailable(what + " could not be decrypted: " + e.getClass().getSimpleName());
        }
    }
}
