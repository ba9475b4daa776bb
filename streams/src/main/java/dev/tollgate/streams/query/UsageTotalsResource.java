package dev.tollgate.streams.query;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code GET /v1/usage/orgs/{orgId}/totals}: an org's running usage totals.
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

    private final OrgTotalsQuery query;
    private final QuerySettings settings;

    @Inject
    public UsageTotalsResource(OrgTotalsQuery query, QuerySettings settings) {
        this.query = query;
        this.settings = settings;
    }

    @GET
    @Path("/{orgId}/totals")
    @Blocking
    public Response totals(@PathParam("orgId") String orgId,
            @HeaderParam(RemoteTotalsClient.FORWARDED_BY) String forwardedBy) {
        QueryOutcome outcome = query.find(orgId, forwardedBy != null);
        if (outcome instanceof QueryOutcome.Found found) {
            return Response.ok(found.totals()).build();
        }
        if (outcome instanceof QueryOutcome.NotFound) {
            return Response.status(Response.Status.NOT_FOUND).entity(ApiError.orgNotFound(orgId)).build();
        }
        if (outcome instanceof QueryOutcome.Relayed relayed) {
            Response.ResponseBuilder answer = Response.status(relayed.status())
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(relayed.body());
            return relayed.status() == 503 ? withRetryAfter(answer).build() : answer.build();
        }
        String reason = ((QueryOutcome.Unavailable) outcome).reason();
        return withRetryAfter(Response.status(Response.Status.SERVICE_UNAVAILABLE))
                .entity(ApiError.unavailable(reason)).build();
    }

    private Response.ResponseBuilder withRetryAfter(Response.ResponseBuilder answer) {
        return answer.header("Retry-After", Math.max(1, settings.retryAfter().toSeconds()));
    }
}
