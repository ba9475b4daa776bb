package dev.tollgate.gateway.admin;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Which admin credential, if any, an {@code Authorization} header carries: the master token
 * ({@code tollgate.admin.token}), the configured read-only token, or a named credential ({@code tgadm_...}, created
 * through {@code /admin/v1/credentials} and stored as its SHA-256 digest in {@code admin_credentials}). The configured
 * tokens are held as SHA-256 digests and compared in constant time, so neither a token's content nor its length leaks
 * through timing; the read-only digest is compared even when the admin one matched, so the time taken does not tell
 * which token was sent. A named credential is found by its public prefix and its digest compared in constant time; it
 * is read from PostgreSQL on every admin call (never on the request path), so a revocation holds on every replica at
 * once.
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
    /** How a named credential's token starts; its first {@value #PREFIX_LENGTH} characters are its public prefix. */
    static final String CREDENTIAL_PREFIX = "tgadm_";
    static final int PREFIX_LENGTH = 14;
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** The actor of the configured token an {@code Authorization} header carries, or null for none of them. */
    AdminActor configured(String authorization) {
        return switch (of(authorization)) {
            case ADMIN -> AdminActor.MASTER;
            case READ_ONLY -> AdminActor.READ_ONLY_TOKEN;
            case NONE -> null;
        };
    }

    /**
     * The actor an {@code Authorization} header authenticates: a configured token, else a named credential that is not
     * revoked; null (as the item) when it is neither.
     */
    public Uni<AdminActor> actor(String authorization) {
        AdminActor configured = configured(authorization);
        String presented = bearer(authorization);
        if (configured != null || presented == null || !presented.startsWith(CREDENTIAL_PREFIX)
                || presented.length() <= PREFIX_LENGTH) {
            return Uni.createFrom().item(configured);
        }
        byte[] digest = digest(presented);
        return Panache.withSession(() -> AdminCredentialEntity.<AdminCredentialEntity>list(
                        "prefix = ?1 and revokedAt is null", presented.substring(0, PREFIX_LENGTH)))
                .map(rows -> match(rows, digest));
    }

    private static AdminActor match(List<AdminCredentialEntity> rows, byte[] digest) {
        AdminActor found = null;
        for (AdminCredentialEntity row : rows) {
            if (MessageDigest.isEqual(row.digest, digest) && found == null) {
                found = new AdminActor(row.id, row.name, "admin".equals(row.role) ? Level.ADMIN : Level.READ_ONLY);
            }
        }
        return found;
    }

    /** A new named credential's token, shown once, with its public prefix and the digest that is stored. */
    record GeneratedToken(String plain, String prefix, byte[] digest) {
    }

    static GeneratedToken generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String plain = CREDENTIAL_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new GeneratedToken(plain, plain.substring(0, PREFIX_LENGTH), digest(plain));
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
