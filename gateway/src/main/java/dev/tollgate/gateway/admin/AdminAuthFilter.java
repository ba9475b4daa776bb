package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every {@code /admin/} path with the admin token ({@code Authorization: Bearer <token>}), or, for
 * {@code GET} and {@code HEAD} only, the read-only token. It runs before routing, so an unauthenticated caller
 * learns nothing, not even which admin paths exist. Tokens are compared by {@link AdminAccess}.
 */
public class AdminAuthFilter {

    static final String ADMIN_PATH = "/admin/";

    private final AdminAccess access;

    @Inject
    AdminAuthFilter(AdminAccess access) {
        this.access = access;
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(ADMIN_PATH)) {
            return null;
        }
        if (!access.enabled()) {
            return unauthorized("The admin API is disabled: no admin token is configured (tollgate.admin.token).");
        }
        String authorization = request.getHeaderString("Authorization");
        if (AdminAccess.bearer(authorization) == null) {
            return unauthorized("No admin token provided. Send it as 'Authorization: Bearer <admin token>'.");
        }
        return switch (access.of(authorization)) {
            case ADMIN -> null;
            case READ_ONLY -> readOnly(request.getMethod()) ? null : AdminErrors.response(OpenAiError.of(
                    ErrorCode.READ_ONLY_TOKEN, "This token is read-only: it may only read (GET). Use the admin token "
                            + "to change anything."));
            case NONE -> unauthorized("Incorrect admin token provided.");
        };
    }

    private static boolean readOnly(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static Response unauthorized(String message) {
        return AdminErrors.response(OpenAiError.of(ErrorCode.INVALID_ADMIN_TOKEN, message));
    }
}
