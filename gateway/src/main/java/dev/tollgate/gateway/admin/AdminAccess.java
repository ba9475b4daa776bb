package dev.tollgate.gateway.admin;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which admin token, if any, an {@code Authorization} header carries. Both tokens are held as SHA-256 digests and
 * compared in constant time, so neither a token's content nor its length leaks through timing; the read-only
 * digest is compared even when the admin one matched, so the time taken does not tell which token was sent.
 */
@Singleton
public class AdminAccess {

    /** What a caller may do with the admin API. */
    public enum Level {
        /** No valid token: nothing. */
        NONE,
        /** The read-only token: {@code GET} and {@code HEAD} only. */
        READ_ONLY,
        /** The admin token: everything. */
        ADMIN
    }

    private static final String BEARER = "bearer ";

    private final byte[] adminDigest;
    private final byte[] readOnlyDigest;

    @Inject
    AdminAccess(AdminConfig config) {
        this.adminDigest = config.token().filter(t -> !t.isBlank()).map(AdminAccess::digest).orElse(null);
        this.readOnlyDigest = config.readOnlyToken().filter(t -> !t.isBlank()).map(AdminAccess::digest).orElse(null);
    }

    /** Whether any token is configured; without one the admin API is off. */
    public boolean enabled() {
        return adminDigest != null || readOnlyDigest != null;
    }

    /** The access an {@code Authorization} header grants; {@link Level#NONE} for a missing or wrong token. */
    public Level of(String authorization) {
        String presented = bearer(authorization);
        if (presented == null) {
            return Level.NONE;
        }
        byte[] digest = digest(presented);
        boolean admin = adminDigest != null && MessageDigest.isEqual(adminDigest, digest);
        boolean readOnly = readOnlyDigest != null && MessageDigest.isEqual(readOnlyDigest, digest);
        return admin ? Level.ADMIN : readOnly ? Level.READ_ONLY : Level.NONE;
    }

    /** The token of an {@code Authorization: Bearer} header, or null when there is none. */
    static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
