package dev.tollgate.gateway.tenancy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.admin.UniqueViolation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Orgs and their teams: {@code /admin/v1/orgs} and {@code /admin/v1/orgs/{org}/teams}. Ids are chosen by the
 * admin (lowercase slugs), because they appear in every usage event and in budgets and dashboards. Orgs and
 * teams live only in PostgreSQL: the hot path needs them only through the keys that carry their ids.
 */
@Path("/admin/v1/orgs")
@Produces(MediaType.APPLICATION_JSON)
public class TenancyResource {

    private static final Logger LOG = Logger.getLogger(TenancyResource.class);
    private static final String ID_RULE = "a lowercase id of letters, digits, '-' or '_' (at most 64 characters)";

    /**
     * An org as the admin API shows it.
     *
     * @param id        the org id
     * @param name      its display name
     * @param createdAt when it was created
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OrgView(String id, String name, Instant createdAt) {
        static OrgView of(OrgEntity org) {
            return new OrgView(org.id, org.name, org.createdAt);
        }
    }

    /**
     * A team as the admin API shows it.
     *
     * @param id        the team id, unique across orgs
     * @param orgId     the org it belongs to
     * @param name      its display name
     * @param createdAt when it was created
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TeamView(String id, String orgId, String name, Instant createdAt) {
        static TeamView of(TeamEntity team) {
            return new TeamView(team.id, team.orgId, team.name, team.createdAt);
        }
    }

    /** Creates an org: {@code {"id":"acme","name":"Acme Corp"}}; 409 when the id is taken. */
    @POST
    public Uni<RestResponse<OrgView>> createOrg(String raw) {
        JsonBody body = JsonBody.parse(raw);
        OrgEntity org = new OrgEntity();
        org.id = body.requiredText("id", JsonBody.ID, ID_RULE);
        org.name = body.optionalName("name", 200).orElse(org.id);
        org.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> OrgEntity.findById(org.id).flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().failure(AdminException.conflict("id", "An org with id '" + org.id
                                + "' already exists."));
                    }
                    return org.<OrgEntity>persist();
                }))
                .onFailure(UniqueViolation::test).transform(e -> AdminException.conflict("id",
                        "An org with id '" + org.id + "' already exists."))
                .invoke(created -> LOG.infof("org created org=%s", created.id))
                .map(created -> RestResponse.status(Response.Status.CREATED, OrgView.of(created)));
    }

    /** Every org, by id. */
    @GET
    public Uni<ListView<OrgView>> listOrgs() {
        return Panache.withSession(() -> OrgEntity.<OrgEntity>list("order by id"))
                .map(orgs -> ListView.of(orgs.stream().map(OrgView::of).toList()));
    }

    /** Creates a team in an org: {@code {"id":"search","name":"Search"}}; 404 for an unknown org. */
    @POST
    @Path("/{org}/teams")
    public Uni<RestResponse<TeamView>> createTeam(@PathParam("org") String orgId, String raw) {
        JsonBody body = JsonBody.parse(raw);
        TeamEntity team = new TeamEntity();
        team.id = body.requiredText("id", JsonBody.ID, ID_RULE);
        team.orgId = orgId;
        team.name = body.optionalName("name", 200).orElse(team.id);
        team.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return Panache.withTransaction(() -> requireOrg(orgId)
                        .flatMap(org -> TeamEntity.findById(team.id))
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "A team with id '" + team.id
                                        + "' already exists."))
                                : team.<TeamEntity>persist()))
                .onFailure(UniqueViolation::test).transform(e -> AdminException.conflict("id",
                        "A team with id '" + team.id + "' already exists."))
                .invoke(created -> LOG.infof("team created org=%s team=%s", created.orgId, created.id))
                .map(created -> RestResponse.status(Response.Status.CREATED, TeamView.of(created)));
    }

    /** The teams of an org, by id; 404 for an unknown org. */
    @GET
    @Path("/{org}/teams")
    public Uni<ListView<TeamView>> listTeams(@PathParam("org") String orgId) {
        return Panache.withSession(() -> requireOrg(orgId)
                        .flatMap(org -> TeamEntity.<TeamEntity>list("orgId = ?1 order by id", orgId)))
                .map(teams -> ListView.of(teams.stream().map(TeamView::of).toList()));
    }

    private static Uni<OrgEntity> requireOrg(String orgId) {
        return OrgEntity.<OrgEntity>findById(orgId).onItem().ifNull()
                .failWith(() -> AdminException.notFound("org", orgId));
    }
}
