package dev.tollgate.gateway.admin;

import dev.tollgate.gateway.openai.ErrorCode;
import dev.tollgate.gateway.openai.OpenAiError;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Guards every {@code /admin/} path with an admin credential ({@code Authorization: Bearer <token>}): the master token,
 * or a named credential of role {@code admin}, may do everything; the read-only token, or a named credential of role
 * {@code read_only}, may only {@code GET} and {@code HEAD}, and anything else answers 403 {@code read_only_token}. It
 * runs before routing, so an unauthenticated caller learns nothing, not even which admin paths exist. Credentials are
 * checked by {@link AdminAccess}; the accepted one is kept on the request ({@link AdminActor}) for the audit trail.
 */
public class AdminAuthFilter {

    static final String ADMIN_PATH = "/admin/";

    private final AdminAccess access;

    @Inject
    AdminAuthFilter(AdminAccess access) {
        this.access = access;
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request, RoutingContext ctx) {
        if (!request.getUriInfo().getPath().startsWith(ADMIN_PATH)) {
            return Uni.createFrom().nullItem();
        }
        String authorization = request.getHeaderString("Authorization");
        String presented = AdminAccess.bearer(authorization);
        if (presented == null) {
            return Uni.createFrom().item(access.enabled()
                    ? unauthorized("No admin token provided. Send it as 'Authorization: Bearer <admin token>'.")
                    : disabled());
        }
        return access.actor(authorization).map(actor -> {
            if (actor == null) {
                return access.enabled() || presented.startsWith(AdminAccess.CREDENTIAL_PREFIX)
                        ? unauthorized("Incorrect or revoked admin token provided.") : disabled();
            }
            if (actor.level() == AdminAccess.Level.READ_ONLY && !readOnly(request.getMethod())) {
                return AdminErrors.response(OpenAiError.of(ErrorCode.READ_ONLY_TOKEN, "This token is read-only: it may "
                        + "only read (GET). Use an admin credential to change anything."));
            }
            ctx.put(AdminActor.ATTRIBUTE, actor);
            return null;
        });
    }

    private static boolean readOnly(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static Response disabled() {
        return unauthorized("The admin API is disabled: no admin token is configured (tollgate.admin.token).");
    }

    private static Response unauthorized(String message) {
        return AdminErrors.response(OpenAiError.of(ErrorCode.INVALID_ADMIN_TOKEN, message));
    }
}
