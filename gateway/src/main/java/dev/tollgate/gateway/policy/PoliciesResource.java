package dev.tollgate.gateway.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The gateway policy of an org or a key: {@code /admin/v1/policies/org/{id}} and {@code /admin/v1/policies/key/{id}}.
 * {@code PUT} replaces the whole policy, {@code GET} shows it, {@code DELETE} removes it. Each change is committed to
 * PostgreSQL, then published on {@code tollgate.gateway-policies.v1} for every replica (docs/cache.md,
 * docs/redaction.md). The audit trail gets the policy as it was before a change (AuditNotes).
 */
@Path("/admin/v1/policies/{scope}/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class PoliciesResource {

    private static final Logger LOG = Logger.getLogger(PoliciesResource.class);
    private static final Set<String> FIELDS = Set.of("cache_enabled", "cache_ttl", "redaction_enabled",
            "redaction_detectors");
    private static final Pattern DETECTOR = Pattern.compile(String.join("|", Detectors.NAMES));

    private final PolicyFeed feed;

    @Inject
    PoliciesResource(PolicyFeed feed) {
        this.feed = feed;
    }

    /**
     * A policy as the admin API shows it; a null field is not set at this scope.
     *
     * @param scope              org or key
     * @param id                 the org or key id
     * @param cacheEnabled       whether eligible requests use the response cache
     * @param cacheTtlSeconds    how long a cached answer stays
     * @param redactionEnabled   whether captured content is redacted
     * @param redactionDetectors the detectors that run; null for all
     * @param updatedAt          when it last changed
     * @param version            its row version
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PolicyView(String scope, String id, Boolean cacheEnabled, Long cacheTtlSeconds,
                             Boolean redactionEnabled, List<String> redactionDetectors, Instant updatedAt,
                             long version) {
        static PolicyView of(PolicyEntity row) {
            return new PolicyView(row.scope, row.scopeId, row.cacheEnabled, row.cacheTtlSeconds, row.redactionEnabled,
                    PolicyRecords.detectors(row.redactionDetectors), row.updatedAt, row.version);
        }
    }

    /**
     * Sets the policy: {@code {"cache_enabled":true,"cache_ttl":"10m","redaction_enabled":true,
     * "redaction_detectors":["email","card"]}}; an absent field is not set at this scope.
     */
    @PUT
    public Uni<PolicyView> put(@PathParam("scope") String scopeName, @PathParam("id") String scopeId, String raw,
                               RoutingContext ctx) {
        Scope scope = scope(scopeName, scopeId);
        JsonBody body = JsonBody.parse(raw);
        body.rejectUnknownFields(FIELDS);
        Boolean cacheEnabled = body.optionalBoolean("cache_enabled").orElse(null);
        Long ttl = body.optionalDuration("cache_ttl", Duration.ofSeconds(1), Duration.ofDays(30))
                .map(Duration::toSeconds).orElse(null);
        Boolean redactionEnabled = body.optionalBoolean("redaction_enabled").orElse(null);
        List<String> detectors = body.has("redaction_detectors") ? body.optionalTextList("redaction_detectors",
                DETECTOR, "one of " + Detectors.NAMES) : null;
        String id = scope.id(scopeId);
        return Panache.withTransaction(() -> PolicyEntity.<PolicyEntity>findById(id).flatMap(existing -> {
                    if (existing != null) {
                        AuditNotes.before(ctx, PolicyView.of(existing));
                    }
                    PolicyEntity row = existing != null ? existing : new PolicyEntity();
                    row.id = id;
                    row.scope = scope.wireName();
                    row.scopeId = scopeId;
                    row.cacheEnabled = cacheEnabled;
                    row.cacheTtlSeconds = ttl;
                    row.redactionEnabled = redactionEnabled;
                    row.redactionDetectors = detectors == null ? null : String.join(",", detectors);
                    row.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    return existing != null ? Uni.createFrom().item(row) : row.<PolicyEntity>persist();
                }))
                .call(feed::publish)
                .invoke(row -> LOG.infof("event=policy_set policy=%s version=%d", row.id, row.version))
                .map(PolicyView::of);
    }

    /** The policy; 404 when none is set. */
    @GET
    public Uni<PolicyView> get(@PathParam("scope") String scopeName, @PathParam("id") String scopeId) {
        String id = scope(scopeName, scopeId).id(scopeId);
        return Panache.withSession(() -> require(id)).map(PolicyView::of);
    }

    /** Removes the policy; 404 when none is set. */
    @DELETE
    public Uni<PolicyView> delete(@PathParam("scope") String scopeName, @PathParam("id") String scopeId,
                                  RoutingContext ctx) {
        String id = scope(scopeName, scopeId).id(scopeId);
        return Panache.withTransaction(() -> require(id).invoke(row -> AuditNotes.before(ctx, PolicyView.of(row)))
                        .call(row -> row.delete()))
                .call(row -> feed.publishRemoval(row.id))
                .invoke(row -> LOG.infof("event=policy_removed policy=%s", row.id))
                .map(PolicyView::of);
    }

    private static Scope scope(String scopeName, String scopeId) {
        Scope scope = Scope.parse(scopeName).orElseThrow(() -> AdminException.invalid("scope",
                "The scope must be org or key, not '" + scopeName + "'."));
        if (!JsonBody.ID.matcher(scopeId).matches()) {
            throw AdminException.invalid("id", "The id must be a lowercase id of letters, digits, '-' or '_'.");
        }
        return scope;
    }

    private static Uni<PolicyEntity> require(String id) {
        return PolicyEntity.<PolicyEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("policy", id));
    }
}
