package dev.tollgate.gateway.tenancy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.auth.ApiKeys;
import dev.tollgate.gateway.openai.ErrorCode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * API keys: {@code /admin/v1/keys}. The gateway generates every key; the plain key is in the create answer
 * once and is stored nowhere, only its SHA-256 digest and public prefix. Every change is committed to PostgreSQL,
 * then published to {@code tollgate.keys.v1}, and only then answered, so an answered revoke is a revoke that
 * every replica is about to apply.
 */
@Path("/admin/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {

    private static final Logger LOG = Logger.getLogger(KeysResource.class);
    private static final long MAX_LIMIT = 1_000_000_000_000L;
    private static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("development|staging|production");

    private final KeyStateFeed feed;

    @Inject
    KeysResource(KeyStateFeed feed) {
        this.feed = feed;
    }

    /**
     * A key as listed: never the key itself, never its digest.
     *
     * @param id            public key id, as in usage events
     * @param object        always {@code api_key}
     * @param prefix        the key's first characters, to recognise it
     * @param orgId         owning org
     * @param teamId        owning team, or null
     * @param name          a label, or null
     * @param allowedModels models it may use; empty means all
     * @param rpmLimit      requests per minute, or null for unlimited
     * @param tpmLimit      tokens per minute, or null for unlimited
     * @param expiresAt     expiry, or null
     * @param revokedAt     revocation time, or null
     * @param createdAt     creation time
     * @param environment   where its requests go without an {@code x-tollgate-environment} header
     * @param allowedEnvironments the environments it may send requests to; null for a key created before they were
     *                      a permission ({@code tollgate.keys.legacy-environments} decides)
     * @param key           the plain key: only in the create answer, null everywhere else
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyView(String id, String object, String prefix, String orgId, String teamId, String name,
                          List<String> allowedModels, Long rpmLimit, Long tpmLimit, Instant expiresAt,
                          Instant revokedAt, Instant createdAt, String environment, List<String> allowedEnvironments,
                          String key) {

        static KeyView of(ApiKeyEntity k, String plainKey) {
            return new KeyView(k.id, "api_key", k.prefix, k.orgId, k.teamId, k.name, k.allowedModelList(), k.rpmLimit,
                    k.tpmLimit, k.expiresAt, k.revokedAt, k.createdAt,
                    k.environment == null ? "production" : k.environment, k.allowedEnvironmentList(), plainKey);
        }

        @Override
        public String toString() {
            return "KeyView[id=" + id + "]";
        }
    }

    /**
     * Creates a key: {@code {"org_id","team_id"?,"name"?,"allowed_models"?,"rpm_limit"?,"tpm_limit"?,"expires_at"?,
     * "environment"?,"allowed_environments"?}}. {@code allowed_environments} defaults to the key's own environment
     * (production unless {@code environment} says otherwise), which it must include.
     * Answers 201 with the plain key in {@code key}, the only time it is ever shown.
     */
    @POST
    public Uni<RestResponse<KeyView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ApiKeyEntity key = new ApiKeyEntity();
        key.orgId = body.requiredText("org_id", JsonBody.ID, "the id of an existing org");
        key.teamId = body.optionalText("team_id", JsonBody.ID, "the id of a team of the org").orElse(null);
        key.name = body.optionalName("name", 200).orElse(null);
        key.allowedModelList(body.optionalTextList("allowed_models", JsonBody.MODEL, "a model name"));
        key.rpmLimit = body.optionalLong("rpm_limit", 1, MAX_LIMIT).orElse(null);
        key.tpmLimit = body.optionalLong("tpm_limit", 1, MAX_LIMIT).orElse(null);
        key.expiresAt = body.optionalInstantAfter("expires_at", now).map(t -> t.truncatedTo(ChronoUnit.MILLIS))
                .orElse(null);
        key.environment = body.optionalChoice("environment", ENVIRONMENTS).orElse(null);
        key.allowedEnvironments = allowedEnvironments(body, key.environment == null ? "production" : key.environment);
        key.createdAt = now;
        key.id = AdminIds.generate("key_");
        ApiKeys.Generated generated = ApiKeys.generate();
        key.prefix = generated.prefix();
        key.digest = generated.digest();
        return Panache.withTransaction(() -> OrgEntity.findById(key.orgId)
                        .onItem().ifNull().failWith(() -> new AdminException(ErrorCode.NOT_FOUND,
                                "No org with id '" + key.orgId + "'.", "org_id"))
                        .flatMap(org -> key.teamId == null ? Uni.createFrom().item(true)
                                : TeamEntity.<TeamEntity>findById(key.teamId).map(t -> t != null && t.orgId.equals(key.orgId)))
                        .flatMap(teamOk -> teamOk ? key.<ApiKeyEntity>persist()
                                : Uni.createFrom().failure(new AdminException(ErrorCode.NOT_FOUND, "No team with id '"
                                        + key.teamId + "' in org '" + key.orgId + "'.", "team_id"))))
                .call(created -> feed.publish(created))
                .invoke(created -> LOG.infof("key created key=%s org=%s team=%s", created.id, created.orgId,
                        created.teamId))
                .map(created -> RestResponse.status(Response.Status.CREATED, KeyView.of(created, generated.plain())));
    }

    /** The keys of one org ({@code ?org_id=}) or of all orgs, oldest first; never a key or digest. */
    @GET
    public Uni<ListView<KeyView>> list(@QueryParam("org_id") String orgId) {
        return Panache.withSession(() -> orgId == null
                        ? ApiKeyEntity.<ApiKeyEntity>list("order by createdAt, id")
                        : ApiKeyEntity.<ApiKeyEntity>list("orgId = ?1 order by createdAt, id", orgId))
                .map(keys -> ListView.of(keys.stream().map(k -> KeyView.of(k, null)).toList()));
    }

    /**
     * Sets the environments a key may send requests to: {@code {"allowed_environments":["staging","production"]}}.
     * It must include the key's own environment. This is also how an admin decides, key by key, what a key created
     * before environments were a permission may use. Takes effect on every replica within a second.
     */
    @POST
    @Path("/{id}/environments")
    public Uni<KeyView> environments(@PathParam("id") String id, String raw, RoutingContext ctx) {
        JsonBody body = JsonBody.parse(raw);
        if (!body.has("allowed_environments")) {
            throw AdminException.invalid("allowed_environments", "'allowed_environments' is required: a list of "
                    + "development, staging and production.");
        }
        return Panache.withTransaction(() -> ApiKeyEntity.<ApiKeyEntity>findById(id)
                        .onItem().ifNull().failWith(() -> AdminException.notFound("key", id))
                        .invoke(key -> {
                            String allowed = allowedEnvironments(body,
                                    key.environment == null ? "production" : key.environment);
                            AuditNotes.before(ctx, KeyView.of(key, null));
                            key.allowedEnvironments = allowed;
                        }))
                .call(key -> feed.publish(key))
                .invoke(key -> LOG.infof("key environments changed key=%s allowed=%s", key.id,
                        key.allowedEnvironments))
                .map(key -> KeyView.of(key, null));
    }

    /** The validated {@code allowed_environments} of a body, comma-separated; its own environment when absent. */
    private static String allowedEnvironments(JsonBody body, String own) {
        List<String> listed = body.optionalTextList("allowed_environments", ENVIRONMENT_NAME,
                "development, staging or production");
        if (listed.isEmpty()) {
            if (body.has("allowed_environments")) {
                throw AdminException.invalid("allowed_environments", "'allowed_environments' must name at least one "
                        + "environment.");
            }
            return own;
        }
        if (!listed.contains(own)) {
            throw AdminException.invalid("allowed_environments", "'allowed_environments' must include the key's own "
                    + "environment '" + own + "', where its requests go without an x-tollgate-environment header.");
        }
        return String.join(",", new TreeSet<>(listed));
    }

    /**
     * Revokes a key: from the moment every replica applies it (well within a second), the key gets 401. Revoking
     * a revoked key publishes its state again, which makes a retry after {@code propagation_failed} safe.
     */
    @POST
    @Path("/{id}/revoke")
    public Uni<KeyView> revoke(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> ApiKeyEntity.<ApiKeyEntity>findById(id)
                        .onItem().ifNull().failWith(() -> AdminException.notFound("key", id))
                        .invoke(key -> {
                            AuditNotes.before(ctx, KeyView.of(key, null));
                            if (key.revokedAt == null) {
                                key.revokedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                            }
                        }))
                .call(key -> feed.publish(key))
                .invoke(key -> LOG.infof("key revoked key=%s org=%s", key.id, key.orgId))
                .map(key -> KeyView.of(key, null));
    }
}
