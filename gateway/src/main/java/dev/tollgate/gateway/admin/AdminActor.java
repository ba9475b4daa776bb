package dev.tollgate.gateway.admin;

import io.vertx.ext.web.RoutingContext;

/**
 * Who makes an admin call: the credential {@link AdminAuthFilter} accepted, kept on the request for the audit trail
 * and the console's session. Never holds the token itself.
 *
 * @param credentialId the named credential's id, {@code master} for {@code tollgate.admin.token}, or
 *                     {@code read-only-token} for {@code tollgate.admin.read-only-token}
 * @param name         the credential's name
 * @param level        what it may do
 */
public record AdminActor(String credentialId, String name, AdminAccess.Level level) {

    static final String ATTRIBUTE = "tollgate.admin.actor";

    /** The master token's actor. */
    static final AdminActor MASTER = new AdminActor("master", "master token (tollgate.admin.token)",
            AdminAccess.Level.ADMIN);
    /** The configured read-only token's actor. */
    static final AdminActor READ_ONLY_TOKEN = new AdminActor("read-only-token",
            "read-only token (tollgate.admin.read-only-token)", AdminAccess.Level.READ_ONLY);

    /** The actor of the current admin call, or null outside one. */
    public static AdminActor of(RoutingContext ctx) {
        return ctx == null ? null : ctx.get(ATTRIBUTE);
    }

    /** The role as the API and the audit trail name it: {@code admin} or {@code read_only}. */
    public String role() {
        return level == AdminAccess.Level.ADMIN ? "admin" : "read_only";
    }
}
