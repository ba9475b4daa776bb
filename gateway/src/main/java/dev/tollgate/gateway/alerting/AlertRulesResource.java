package dev.tollgate.gateway.alerting;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Alert rules: {@code /admin/v1/alert-rules}. A change is validated ({@link RuleSpec}: 400 naming the field and the
 * reason), committed to PostgreSQL, published to {@code tollgate.alert-rules.v1}, where the streams app picks it up
 * within its next evaluation, and only then answered. See docs/alerts.md.
 */
@Path("/admin/v1/alert-rules")
@Produces(MediaType.APPLICATION_JSON)
public class AlertRulesResource {

    private static final Logger LOG = Logger.getLogger(AlertRulesResource.class);

    private final AlertingPublisher publisher;

    @Inject
    AlertRulesResource(AlertingPublisher publisher) {
        this.publisher = publisher;
    }

    /** Creates a rule; {@code id} is optional (generated {@code rule_…}); 409 when it is taken. */
    @POST
    public Uni<RestResponse<AlertingRecords.RuleView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        String id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("rule_"));
        RuleSpec spec = RuleSpec.parse(body);
        AlertRuleEntity rule = new AlertRuleEntity();
        rule.id = id;
        spec.applyTo(rule);
        rule.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        rule.updatedAt = rule.createdAt;
        return Panache.withTransaction(() -> AlertRuleEntity.findById(id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "An alert rule with id '" + id
                                        + "' already exists."))
                                : requireReceivers(spec.receivers()))
                        .flatMap(ignored -> rule.<AlertRuleEntity>persist()))
                .call(created -> publisher.rule(created.id, AlertingRecords.rule(created)))
                .invoke(created -> LOG.infof("alert rule created rule=%s name=%s kind=%s scope=%s receivers=%s",
                        created.id, created.name, created.kind, created.scope, created.receiverList()))
                .map(created -> RestResponse.status(Response.Status.CREATED, AlertingRecords.view(created)));
    }

    /** Every rule, or those of one kind ({@code ?kind=}), oldest first. */
    @GET
    public Uni<ListView<AlertingRecords.RuleView>> list(@QueryParam("kind") String kind) {
        return Panache.withSession(() -> kind == null
                        ? AlertRuleEntity.<AlertRuleEntity>list("order by createdAt, id")
                        : AlertRuleEntity.<AlertRuleEntity>list("kind = ?1 order by createdAt, id", kind))
                .map(all -> ListView.of(all.stream().map(AlertingRecords::view).toList()));
    }

    @GET
    @Path("/{id}")
    public Uni<AlertingRecords.RuleView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id)).map(AlertingRecords::view);
    }

    /**
     * Changes any field but {@code id} and {@code kind}; the result is validated as a whole, like a create. The
     * rule's alerts keep their state (their fingerprint is the rule id and their subject's labels), so a changed
     * threshold or severity applies to an alert already firing.
     */
    @PATCH
    @Path("/{id}")
    public Uni<AlertingRecords.RuleView> update(@PathParam("id") String id, String raw, RoutingContext ctx) {
        JsonBody patch = JsonBody.parse(raw);
        if (patch.has("id")) {
            throw AdminException.invalid("id", "'id' cannot change; create another rule.");
        }
        return Panache.withTransaction(() -> require(id).flatMap(rule -> {
                    if (patch.has("kind") && !patch.optionalChoice("kind", RuleSpec.Kind.names())
                            .orElse("").equals(rule.kind)) {
                        throw AdminException.invalid("kind", "'kind' cannot change; create another rule.");
                    }
                    RuleSpec spec = RuleSpec.parse(AlertingRecords.body(rule).overlaidWith(patch));
                    return requireReceivers(spec.receivers()).map(ignored -> {
                        AuditNotes.before(ctx, AlertingRecords.view(rule));
                        spec.applyTo(rule);
                        rule.updatedAt = laterThan(rule.updatedAt);
                        return rule;
                    });
                }))
                .call(rule -> publisher.rule(rule.id, AlertingRecords.rule(rule)))
                .invoke(rule -> LOG.infof("alert rule changed rule=%s enabled=%s", rule.id, rule.enabled))
                .map(AlertingRecords::view);
    }

    /** Deletes a rule and publishes its tombstone; its alerts resolve at the streams app's next evaluation. */
    @DELETE
    @Path("/{id}")
    public Uni<AlertingRecords.RuleView> delete(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id).invoke(rule -> AuditNotes.before(ctx,
                        AlertingRecords.view(rule))).call(rule -> rule.delete()))
                .call(rule -> publisher.rule(rule.id, null))
                .invoke(rule -> LOG.infof("alert rule deleted rule=%s", rule.id))
                .map(AlertingRecords::view);
    }

    /** Fails with 400 naming the first receiver id that does not exist. */
    static Uni<Void> requireReceivers(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return AlertReceiverEntity.<AlertReceiverEntity>list("id in ?1", ids).map(found -> {
            Set<String> known = new HashSet<>();
            found.forEach(r -> known.add(r.id));
            for (String id : ids) {
                if (!known.contains(id)) {
                    throw AdminException.invalid("receivers", "'receivers' names '" + id
                            + "', which is not a receiver; create it with POST /admin/v1/receivers first.");
                }
            }
            return null;
        });
    }

    private static Uni<AlertRuleEntity> require(String id) {
        return AlertRuleEntity.<AlertRuleEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("alert rule", id));
    }

    /** Now, but strictly after {@code previous}. */
    static Instant laterThan(Instant previous) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }
}
