package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every {@code /admin/} path with the admin token ({@code Authorization: Bearer <token>}). It runs before
 * routing, so an unauthenticated caller learns nothing, not even which admin paths exist. The comparison is of
 * SHA-256 digests in constant time, so neither the token's content nor its length leaks through timing.
 */
public class AdminAuthFilter {

    static final String ADMIN_PATH = "/admin/";
    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;

    @Inject
    AdminAuthFilter(AdminConfig config) {
        this.tokenDigest = config.token().filter(t -> !t.isBlank()).map(AdminAuthFilter::digest).orElse(null);
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(ADMIN_PATH)) {
            return null;
        }
        String presented = bearer(request.getHeaderString("Authorization"));
        if (tokenDigest == null) {
            return unauthorized("The admin API is disabled: no admin token is configured (tollgate.admin.token).");
        }
        if (presented == null) {
            return unauthorized("No admin token provided. Send it as 'Authorization: Bearer <admin token>'.");
        }
        if (!MessageDigest.isEqual(tokenDigest, digest(presented))) {
            return unauthorized("Incorrect admin token provided.");
        }
        return null;
    }

    private static Response unauthorized(String message) {
        return AdminErrors.response(OpenAiError.of(ErrorCode.INVALID_ADMIN_TOKEN, message));
    }

    private static String bearer(String authorization) {
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
