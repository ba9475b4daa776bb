package dev.tollgate.gateway.budget;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.AdminIds;
import dev.tollgate.gateway.admin.AuditNotes;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.admin.ListView;
import dev.tollgate.gateway.tenancy.ApiKeyEntity;
import dev.tollgate.gateway.tenancy.OrgEntity;
import dev.tollgate.gateway.tenancy.TeamEntity;
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
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Budgets: {@code /admin/v1/budgets}. A change is committed to PostgreSQL, published to {@code tollgate.budgets.v1}
 * (where the streams app counts spend against it and every replica enforces it), and only then answered. Every
 * answer carries this replica's live view of the budget: spend counted, held by requests in flight, its leases.
 */
@Path("/admin/v1/budgets")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetsResource {

    private static final Logger LOG = Logger.getLogger(BudgetsResource.class);
    private static final long MAX_AMOUNT = 1_000_000_000_000_000L;
    private static final Set<String> SCOPES = Set.of("org", "team", "key");
    private static final Set<String> PERIODS = Set.of("daily", "weekly", "monthly");
    private static final Set<String> ENFORCEMENTS = Set.of("hard", "soft");
    private static final List<Integer> DEFAULT_THRESHOLDS = List.of(50, 80, 100);
    /** Key ids are generated ({@code key_...}); org and team ids are admin-chosen slugs: both match this. */
    private static final Pattern SCOPE_ID = JsonBody.ID;

    private final BudgetDefinitionFeed feed;
    private final BudgetBook book;

    @Inject
    BudgetsResource(BudgetDefinitionFeed feed, BudgetBook book) {
        this.feed = feed;
        this.book = book;
    }

    /**
     * A budget as listed.
     *
     * @param id           budget id
     * @param object       always {@code budget}
     * @param scopeType    {@code org}, {@code team} or {@code key}
     * @param scopeId      the org, team or key it caps
     * @param orgId        the org of that scope
     * @param amountMicros the limit per period, micro-dollars
     * @param period       {@code daily}, {@code weekly} or {@code monthly}
     * @param timeZone     the zone whose calendar the period follows
     * @param thresholds   percents that publish a threshold event once per period
     * @param enforcement  {@code hard} (refuses once spent) or {@code soft} (reports only)
     * @param createdAt    creation time
     * @param updatedAt    last change
     * @param live         this replica's view now, or null before it has applied the budget
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BudgetView(String id, String object, String scopeType, String scopeId, String orgId,
                             long amountMicros, String period, String timeZone, List<Integer> thresholds,
                             String enforcement, Instant createdAt, Instant updatedAt, Live live) {
    }

    /**
     * What the answering replica holds for a budget: the spend the streams app published for the current period,
     * what its requests in flight have reserved, and, for a hard budget, what its spend leases have left.
     *
     * @param periodStart     start of the current period
     * @param periodEnd       end of the current period
     * @param spentMicros     spend counted in the period, as last published by the streams app
     * @param reservedMicros  held by this replica's requests in flight
     * @param leasedMicros    what this replica's open spend leases have left to admit (hard budgets)
     * @param leases          this replica's open spend leases
     * @param remainingMicros the limit less the published spend and this replica's reservations
     * @param stateAsOf       the as-of of the last state published by the streams app, or null before one
     * @param replicaId       the answering replica, as lease grants name it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Live(Instant periodStart, Instant periodEnd, long spentMicros, long reservedMicros,
                       long leasedMicros, int leases, long remainingMicros, Instant stateAsOf, String replicaId) {
        static Live of(BudgetAccount.View v, String replicaId) {
            return new Live(Instant.ofEpochMilli(v.window().startMs()), Instant.ofEpochMilli(v.window().endMs()),
                    v.spentMicros(), v.reservedMicros(), v.leasedMicros(), v.leases(), v.remainingMicros(),
                    v.asOfMs() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(v.asOfMs()), replicaId);
        }
    }

    /**
     * Creates a budget. Required: {@code scope_type}, {@code scope_id}, {@code amount_micros}, {@code period}.
     * Optional: {@code id}, {@code time_zone} (UTC), {@code thresholds} ([50, 80, 100]), {@code enforcement}
     * (hard). The scope must exist; its org is looked up. 409 when the id is taken.
     */
    @POST
    public Uni<RestResponse<BudgetView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        BudgetEntity b = new BudgetEntity();
        b.id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("bud_"));
        b.scopeType = body.optionalChoice("scope_type", SCOPES)
                .orElseThrow(() -> AdminException.invalid("scope_type", "'scope_type' is required: org, team or key."));
        b.scopeId = body.requiredText("scope_id", SCOPE_ID, "the id of an existing " + b.scopeType);
        b.amountMicros = body.optionalLong("amount_micros", 0, MAX_AMOUNT).orElseThrow(() -> AdminException.invalid(
                "amount_micros", "'amount_micros' is required: the limit per period in micro-dollars."));
        b.period = body.optionalChoice("period", PERIODS)
                .orElseThrow(() -> AdminException.invalid("period", "'period' is required: daily, weekly or monthly."));
        b.timeZone = zone(body.optionalName("time_zone", 64).orElse("UTC"));
        b.thresholdList(thresholds(body).orElse(DEFAULT_THRESHOLDS));
        b.enforcement = body.optionalChoice("enforcement", ENFORCEMENTS).orElse("hard");
        b.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        b.updatedAt = b.createdAt;
        return Panache.withTransaction(() -> BudgetEntity.findById(b.id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "A budget with id '" + b.id
                                        + "' already exists."))
                                : scopeOrg(b.scopeType, b.scopeId))
                        .flatMap(org -> {
                            b.orgId = org;
                            return b.<BudgetEntity>persist();
                        }))
                .call(created -> feed.publish(created.id, created.definition()))
                .invoke(created -> LOG.infof("budget created budget=%s scope=%s:%s org=%s amount_micros=%d period=%s "
                                + "enforcement=%s", created.id, created.scopeType, created.scopeId, created.orgId,
                        created.amountMicros, created.period, created.enforcement))
                .map(created -> RestResponse.status(Response.Status.CREATED, view(created)));
    }

    /** Every budget, or those of one org ({@code ?org_id=}), oldest first. */
    @GET
    public Uni<ListView<BudgetView>> list(@QueryParam("org_id") String orgId) {
        return Panache.withSession(() -> orgId == null
                        ? BudgetEntity.<BudgetEntity>list("order by createdAt, id")
                        : BudgetEntity.<BudgetEntity>list("orgId = ?1 order by createdAt, id", orgId))
                .map(all -> ListView.of(all.stream().map(this::view).toList()));
    }

    /** One budget with this replica's live view of it. */
    @GET
    @Path("/{id}")
    public Uni<BudgetView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id)).map(this::view);
    }

    /**
     * Changes a budget: any of {@code amount_micros}, {@code period}, {@code time_zone}, {@code thresholds},
     * {@code enforcement}. Its scope never changes; create another budget for another scope.
     */
    @PATCH
    @Path("/{id}")
    public Uni<BudgetView> update(@PathParam("id") String id, String raw, RoutingContext ctx) {
        JsonBody body = JsonBody.parse(raw);
        var amount = body.optionalLong("amount_micros", 0, MAX_AMOUNT);
        var period = body.optionalChoice("period", PERIODS);
        var zone = body.optionalName("time_zone", 64).map(BudgetsResource::zone);
        var thresholds = thresholds(body);
        var enforcement = body.optionalChoice("enforcement", ENFORCEMENTS);
        return Panache.withTransaction(() -> require(id).invoke(b -> {
                    AuditNotes.before(ctx, view(b, null));
                    amount.ifPresent(a -> b.amountMicros = a);
                    period.ifPresent(p -> b.period = p);
                    zone.ifPresent(z -> b.timeZone = z);
                    thresholds.ifPresent(b::thresholdList);
                    enforcement.ifPresent(e -> b.enforcement = e);
                    b.updatedAt = laterThan(b.updatedAt);
                }))
                .call(b -> feed.publish(b.id, b.definition()))
                .invoke(b -> LOG.infof("budget changed budget=%s amount_micros=%d period=%s enforcement=%s", b.id,
                        b.amountMicros, b.period, b.enforcement))
                .map(this::view);
    }

    /** Deletes a budget: its row is deleted and its tombstone published; spend is no longer capped by it. */
    @DELETE
    @Path("/{id}")
    public Uni<BudgetView> delete(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id).invoke(b -> AuditNotes.before(ctx, view(b, null)))
                        .call(b -> b.delete()))
                .call(b -> feed.publish(b.id, null))
                .invoke(b -> LOG.infof("budget deleted budget=%s org=%s", b.id, b.orgId))
                .map(b -> view(b, null));
    }

    private BudgetView view(BudgetEntity b) {
        return view(b, book.view(b.id, System.currentTimeMillis()).map(v -> Live.of(v, book.replicaId()))
                .orElse(null));
    }

    private static BudgetView view(BudgetEntity b, Live live) {
        return new BudgetView(b.id, "budget", b.scopeType, b.scopeId, b.orgId, b.amountMicros, b.period, b.timeZone,
                b.thresholdList(), b.enforcement, b.createdAt, b.updatedAt, live);
    }

    /** The org of the scope, or 404 when the scope does not exist. */
    private static Uni<String> scopeOrg(String scopeType, String scopeId) {
        Uni<String> org = switch (scopeType) {
            case "org" -> OrgEntity.<OrgEntity>findById(scopeId).map(o -> o == null ? null : o.id);
            case "team" -> TeamEntity.<TeamEntity>findById(scopeId).map(t -> t == null ? null : t.orgId);
            default -> ApiKeyEntity.<ApiKeyEntity>findById(scopeId).map(k -> k == null ? null : k.orgId);
        };
        return org.onItem().ifNull().failWith(() -> AdminException.notFound(scopeType, scopeId));
    }

    private static Uni<BudgetEntity> require(String id) {
        return BudgetEntity.<BudgetEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("budget", id));
    }

    private static Optional<List<Integer>> thresholds(JsonBody body) {
        return body.optionalIntList("thresholds", 1, 1000);
    }

    private static String zone(String name) {
        try {
            return ZoneId.of(name).getId();
        } catch (DateTimeException e) {
            throw AdminException.invalid("time_zone", "'time_zone' must be an IANA time zone such as UTC or "
                    + "Europe/Berlin.");
        }
    }

    /** Now, but strictly after {@code previous}: replicas order definitions by it. */
    private static Instant laterThan(Instant previous) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return now.isAfter(previous) ? now : previous.plusMillis(1);
    }
}
