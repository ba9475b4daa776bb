package dev.tollgate.streams.usage;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.tollgate.streams.query.ApiError;
import dev.tollgate.streams.query.OwnerRouting;
import dev.tollgate.streams.query.RemoteQueryClient;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /v1/usage/orgs/{orgId}/totals}: an org's running usage totals, answered by the instance that owns the
 * org ({@link OwnerRouting}).
 * <ul>
 *   <li>200 with {@link OrgUsageTotalsView}.</li>
 *   <li>404 with an OpenAI-style error ({@code org_not_found}) when no usage was ever recorded for the org.</li>
 *   <li>503 with an OpenAI-style error ({@code totals_unavailable}) and {@code Retry-After} while the store cannot
 *       be queried: the app is starting, rebalancing or restoring, or the owning instance is unreachable.</li>
 * </ul>
 * Blocking: a store read (or a proxied call to the owner) runs on a worker thread, never on the event loop.
 */
@Path("/v1/usage/orgs")
@Produces(MediaType.APPLICATION_JSON)
public class UsageTotalsResource {

    private final KafkaStreams streams;
    private final OwnerRouting routing;

    @Inject
    public UsageTotalsResource(KafkaStreams streams, OwnerRouting routing) {
        this.streams = streams;
        this.routing = routing;
    }

    @GET
    @Path("/{orgId}/totals")
    @Blocking
    public Response totals(@PathParam("orgId") String orgId,
            @HeaderParam(RemoteQueryClient.FORWARDED_BY) String forwardedBy, @Context UriInfo uri) {
        return routing.route(UsageTotalsTopology.TOTALS_STORE, orgId, forwardedBy != null,
                uri.getRequestUri().getRawPath(), UsageTotalsResource::unavailable, () -> local(orgId));
    }

    private Response local(String orgId) {
        ReadOnlyKeyValueStore<String, OrgUsageTotals> store = streams.store(StoreQueryParameters.fromNameAndType(
                UsageTotalsTopology.TOTALS_STORE, QueryableStoreTypes.keyValueStore()));
        OrgUsageTotals totals = store.get(orgId);
        return totals == null
                ? Response.status(Response.Status.NOT_FOUND).entity(notFound(orgId)).build()
                : Response.ok(OrgUsageTotalsView.of(orgId, totals)).build();
    }

    /** 404: nothing is known about the org. */
    private static ApiError notFound(String orgId) {
        return new ApiError(new ApiError.Body("No usage has been recorded for org '" + orgId + "'.",
                "invalid_request_error", "org_id", "org_not_found"));
    }

    /** 503: the totals cannot be read right now; the client should retry. */
    private static ApiError unavailable(String reason) {
        return ApiError.unavailable("Usage totals", "totals_unavailable", reason);
    }
}
