package dev.tollgate.notifier.delivery;

import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/deliveries}: the notifications made, newest first, with their status, attempts and last error, so
 * that a delivery that keeps failing is visible, not only counted. {@code ?status=pending|delivered|failed},
 * {@code ?receiver=}, {@code ?limit=} (default 100, at most 1000). {@code POST /v1/deliveries/{id}/retry} sends a
 * failed one again with a fresh count of attempts. No answer contains a receiver's URL.
 */
@Path("/v1/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public class DeliveriesResource {

    private static final Set<String> STATUSES = Set.of("pending", "delivered", "failed");

    private final DeliveryStore store;

    @Inject
    DeliveriesResource(DeliveryStore store) {
        this.store = store;
    }

    /**
     * A list answer.
     *
     * @param object always {@code list}
     * @param data   the notifications
     */
    public record Listing(String object, List<DeliveryStore.NotificationView> data) {
    }

    @GET
    @Blocking
    public Response list(@QueryParam("status") String status, @QueryParam("receiver") String receiver,
                         @QueryParam("limit") Integer limit) {
        if (status != null && !STATUSES.contains(status)) {
            return error(400, "invalid_request", "status", "'status' must be one of pending, delivered, failed.");
        }
        if (limit != null && (limit < 1 || limit > 1000)) {
            return error(400, "invalid_request", "limit", "'limit' must be from 1 to 1000.");
        }
        return Response.ok(new Listing("list", store.list(status, receiver, limit == null ? 100 : limit))).build();
    }

    @POST
    @Path("/{id}/retry")
    @Blocking
    public Response retry(@PathParam("id") String id) {
        if (!store.retry(id, Instant.now())) {
            return error(404, "not_found", "id", "No failed notification '" + id + "'.");
        }
        return Response.ok(Map.of("id", id, "status", "pending")).build();
    }

    private static Response error(int status, String code, String param, String message) {
        return Response.status(status).entity(Map.of("error", Map.of("message", message,
                "type", "invalid_request_error", "param", param, "code", code))).build();
    }
}
