package dev.tollgate.gateway.secrets;

import java.nio.ByteBuffer;

/**
 * The binary layout of a sealed secret: {@code version (1) | wrapped key length (2) | wrapped data key | nonce (12)
 * | ciphertext with its 16-byte GCM tag}. The version byte lets the layout change without guessing.
 *
 * @param wrappedKey the data key, wrapped by the KEK
 * @param nonce      the AES-GCM nonce of the ciphertext
 * @param ciphertext the secret encrypted with the data key, tag included
 */
record Envelope(byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {

    static final byte VERSION = 1;
    static final int NONCE_BYTES = 12;

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(3 + wrappedKey.length + nonce.length + ciphertext.length);
        out.put(VERSION).putShort((short) wrappedKey.length).put(wrappedKey).put(nonce).put(ciphertext);
        return out.array();
    }

    /** @throws SecretUnavailable when {@code bytes} is not an envelope of this version */
    static Envelope decode(byte[] bytes) {
        if (bytes.length < 3 || bytes[0] != VERSION) {
            throw new SecretUnavailable("the sealed secret has an unknown format");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        int wrappedLength = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < wrappedLength + NONCE_BYTES + 16) {
            throw new SecretUnavailable("the sealed secret is truncated");
        }
        byte[] wrapped = new byte[wrappedLength];
        in.get(wrapped);
        byte[] nonce = new byte[NONCE_BYTES];
        in.get(nonce);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        return new Envelope(wrapped, nonce, ciphertext);
    }
}
