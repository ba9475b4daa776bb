package dev.tollgate.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.control.v1.AdminAuditEvent;
import dev.tollgate.gateway.admin.AdminActor;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The admin audit trail (docs/security.md#the-audit-trail): every successful admin call that changes state
 * ({@code POST}, {@code PUT}, {@code PATCH}, {@code DELETE} under {@code /admin/}, answered 2xx) publishes one
 * {@code AdminAuditEvent} on {@code tollgate.admin-audit.v1}: the credential that made it, what it changed, when, the
 * state before (where the resource recorded it, {@link AuditNotes}) and the answer after, secrets redacted
 * ({@link Redaction}). It works for every admin resource, present and future, without their knowing of it.
 *
 * <p>It is published before the answer is sent, {@code acks=all}, so an answered change has its audit record. If Kafka
 * does not take it the change still stands (it is committed and published already) and the answer still goes out: the
 * failure is logged as {@code event=audit_not_published} with the call, for an operator to reconcile; retrying would
 * apply the change twice.
 */
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);

    private final StatePublisher publisher;
    private final ObjectMapper json;

    @Inject
    AuditTrail(StatePublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response, RoutingContext ctx) {
        String path = request.getUriInfo().getPath();
        int status = response.getStatus();
        if (!path.startsWith("/admin/") || !AuditedCall.changes(request.getMethod()) || status < 200 || status > 299) {
            return Uni.createFrom().voidItem();
        }
        AdminAuditEvent event = event(request.getMethod(), path, status, AdminActor.of(ctx),
                ctx == null ? null : ctx.get(AuditNotes.BEFORE), response.getEntity(),
                request.getHeaderString("x-request-id"));
        String key = event.getResourceType() + (event.getResourceId() == null ? "" : "/" + event.getResourceId());
        return publisher.publish(Topics.ADMIN_AUDIT, key, event, "audit=" + event.getEventId() + " credential="
                        + event.getCredentialId() + " action=" + event.getResourceType() + "/" + event.getAction())
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf("event=audit_not_published credential=%s method=%s path=%s reason=%s",
                            event.getCredentialId(), event.getMethod(), path, e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    AdminAuditEvent event(String method, String path, int status, AdminActor actor, Object before, Object after,
                          String requestId) {
        AuditedCall call = AuditedCall.of(method, path);
        JsonNode afterJson = toJson(after);
        String resourceId = call.resourceId();
        if (resourceId == null && afterJson != null && afterJson.hasNonNull("id")) {
            resourceId = afterJson.get("id").asText();
        }
        return AdminAuditEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Instant.now())
                .setCredentialId(actor == null ? "unknown" : actor.credentialId())
                .setCredentialName(actor == null ? "unknown" : actor.name())
                .setRole(actor == null ? "unknown" : actor.role())
                .setMethod(method).setPath(path)
                .setResourceType(call.resourceType()).setResourceId(resourceId).setAction(call.action())
                .setStatus(status)
                .setBefore(text(toJson(before))).setAfter(text(afterJson))
                .setRequestId(requestId)
                .build();
    }

    private JsonNode toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = value instanceof byte[] bytes ? json.readTree(bytes)
                    : value instanceof String s ? json.readTree(s) : json.valueToTree(value);
            return Redaction.redact(node);
        } catch (Exception e) {
            return json.getNodeFactory().textNode("(not JSON: " + value.getClass().getSimpleName() + ")");
        }
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.toString();
    }
}
