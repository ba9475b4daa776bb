package dev.tollgate.gateway.admin;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Ids the admin API generates when the admin chooses none: a kind prefix and 64 random bits in hex
 * ({@code bud_3f9c0a1b2c3d4e5f}). Unguessable, so an id in a log or URL reveals nothing about its neighbours, and
 * within {@link JsonBody#ID} like admin-chosen ids.
 */
public final class AdminIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AdminIds() {
    }

    /** A new id starting with {@code prefix}, e.g. {@code "key_"}. */
    public static String generate(String prefix) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }
}
