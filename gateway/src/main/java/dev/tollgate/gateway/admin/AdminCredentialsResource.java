package dev.tollgate.gateway.admin;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Named admin credentials: {@code /admin/v1/credentials}. Each has a name, a role ({@code admin} or
 * {@code read_only}) and a token shown once, in the create answer; only its SHA-256 digest and public prefix are
 * stored. A revoked credential is refused on every replica from the next admin call (they are read from PostgreSQL
 * per admin call, see {@link AdminAccess}). So a console, a CI job or a person gets its own revocable credential, and
 * the audit trail says which one made each change; the master token can stay in a vault.
 */
@Path("/admin/v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
public class AdminCredentialsResource {

    private static final Logger LOG = Logger.getLogger(AdminCredentialsResource.class);
    private static final Set<String> ROLES = Set.of("admin", "read_only");

    @Inject
    AdminCredentialsResource() {
    }

    /**
     * A credential as listed: never its token or digest.
     *
     * @param id        public id, as in audit events
     * @param object    always {@code admin_credential}
     * @param name      what or who it is for, unique among live credentials
     * @param role      {@code admin} or {@code read_only}
     * @param prefix    the token's first characters, to recognise it
     * @param createdBy the id of the credential that created it
     * @param createdAt creation time
     * @param revokedAt revocation time, or null
     * @param token     the token: only in the create answer, null everywhere else
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CredentialView(String id, String object, String name, String role, String prefix, String createdBy,
                                 Instant createdAt, Instant revokedAt, String token) {

        static CredentialView of(AdminCredentialEntity c, String token) {
            return new CredentialView(c.id, "admin_credential", c.name, c.role, c.prefix, c.createdBy, c.createdAt,
                    c.revokedAt, token);
        }

        @Override
        public String toString() {
            return "CredentialView[id=" + id + "]";
        }
    }

    /** Creates a credential: {@code {"name","role"?}} (role {@code read_only} by default); 201 with its token once. */
    @POST
    public Uni<RestResponse<CredentialView>> create(String raw, RoutingContext ctx) {
        JsonBody body = JsonBody.parse(raw);
        AdminCredentialEntity credential = new AdminCredentialEntity();
        credential.name = body.optionalName("name", 200)
                .orElseThrow(() -> AdminException.invalid("name", "'name' is required: what or who it is for."));
        credential.role = body.optionalChoice("role", ROLES).orElse("read_only");
        AdminAccess.GeneratedToken token = AdminAccess.generate();
        credential.id = AdminIds.generate("cred_");
        credential.prefix = token.prefix();
        credential.digest = token.digest();
        AdminActor actor = AdminActor.of(ctx);
        credential.createdBy = actor == null ? "unknown" : actor.credentialId();
        credential.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String duplicate = "A live credential named '" + credential.name + "' already exists.";
        return Panache.withTransaction(() -> AdminCredentialEntity.count("name = ?1 and revokedAt is null",
                                credential.name)
                        .flatMap(same -> same > 0 ? Uni.createFrom().failure(AdminException.conflict("name", duplicate))
                                : credential.<AdminCredentialEntity>persist()))
                .onFailure(UniqueViolation::test).transform(x -> AdminException.conflict("name", duplicate))
                .invoke(c -> LOG.infof("event=admin_credential_created credential=%s role=%s by=%s", c.id, c.role,
                        c.createdBy))
                .map(c -> RestResponse.status(Response.Status.CREATED, CredentialView.of(c, token.plain())));
    }

    /** Every credential, live and revoked, oldest first; never a token or digest. */
    @GET
    public Uni<ListView<CredentialView>> list() {
        return Panache.withSession(() -> AdminCredentialEntity.<AdminCredentialEntity>list("order by createdAt, id"))
                .map(all -> ListView.of(all.stream().map(c -> CredentialView.of(c, null)).toList()));
    }

    /** Revokes a credential: the next admin call with it, on any replica, gets 401. Revoking twice is harmless. */
    @POST
    @Path("/{id}/revoke")
    public Uni<CredentialView> revoke(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> AdminCredentialEntity.<AdminCredentialEntity>findById(id)
                        .onItem().ifNull().failWith(() -> AdminException.notFound("admin credential", id))
                        .invoke(c -> {
                            AuditNotes.before(ctx, CredentialView.of(c, null));
                            if (c.revokedAt == null) {
                                c.revokedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                            }
                        }))
                .invoke(c -> LOG.infof("event=admin_credential_revoked credential=%s", c.id))
                .map(c -> CredentialView.of(c, null));
    }
}
