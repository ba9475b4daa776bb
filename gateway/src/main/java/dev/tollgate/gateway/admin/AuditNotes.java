package dev.tollgate.gateway.admin;

import io.vertx.ext.web.RoutingContext;

/**
 * What a resource tells the audit trail about a change that the answer alone does not show: the state before it.
 * A resource calls {@link #before} with the view of the resource as it was, before it changes it; the audit filter
 * publishes it with the answer (secrets redacted there, whatever the view holds).
 */
public final class AuditNotes {

    /** The request attribute that holds the view before the change. */
    public static final String BEFORE = "tollgate.audit.before";

    private AuditNotes() {
    }

    /** Records {@code view} as the state before the change of the current admin call; the first call wins. */
    public static void before(RoutingContext ctx, Object view) {
        if (ctx != null && ctx.get(BEFORE) == null) {
            ctx.put(BEFORE, view);
        }
    }
}
