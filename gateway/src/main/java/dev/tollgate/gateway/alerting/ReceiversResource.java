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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Alert receivers: {@code /admin/v1/receivers}. A receiver's URL is a secret (whoever has a Slack incoming-webhook
 * URL can post to the channel): it is stored, published to the notifier's topic, and never answered or logged; every
 * answer shows only its scheme and host ({@link UrlMask}). To change it, {@code PATCH} a new one.
 */
@Path("/admin/v1/receivers")
@Produces(MediaType.APPLICATION_JSON)
public class ReceiversResource {

    private static final Logger LOG = Logger.getLogger(ReceiversResource.class);

    private final AlertingPublisher publisher;

    @Inject
    ReceiversResource(AlertingPublisher publisher) {
        this.publisher = publisher;
    }

    /** Creates a receiver; {@code id} is optional (generated {@code rcv_…}); 409 when it is taken. */
    @POST
    public Uni<RestResponse<AlertingRecords.ReceiverView>> create(String raw) {
        JsonBody body = JsonBody.parse(raw);
        String id = body.optionalText("id", JsonBody.ID, "a lowercase id of letters, digits, '-' or '_'")
                .orElseGet(() -> AdminIds.generate("rcv_"));
        ReceiverSpec spec = ReceiverSpec.parse(body);
        AlertReceiverEntity receiver = new AlertReceiverEntity();
        receiver.id = id;
        spec.applyTo(receiver);
        receiver.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        receiver.updatedAt = receiver.createdAt;
        return Panache.withTransaction(() -> AlertReceiverEntity.findById(id)
                        .flatMap(existing -> existing != null
                                ? Uni.createFrom().failure(AdminException.conflict("id", "A receiver with id '" + id
                                        + "' already exists."))
                                : receiver.<AlertReceiverEntity>persist()))
                .call(created -> publisher.receiver(created.id, AlertingRecords.receiver(created)))
                .invoke(created -> LOG.infof("receiver created receiver=%s type=%s", created.id, created.type))
                .map(created -> RestResponse.status(Response.Status.CREATED, AlertingRecords.view(created)));
    }

    /** Every receiver, oldest first, URLs masked. */
    @GET
    public Uni<ListView<AlertingRecords.ReceiverView>> list() {
        return Panache.withSession(() -> AlertReceiverEntity.<AlertReceiverEntity>list("order by createdAt, id"))
                .map(all -> ListView.of(all.stream().map(AlertingRecords::view).toList()));
    }

    @GET
    @Path("/{id}")
    public Uni<AlertingRecords.ReceiverView> get(@PathParam("id") String id) {
        return Panache.withSession(() -> require(id)).map(AlertingRecords::view);
    }

    /** Changes any field but {@code id}; the result is validated as a whole, like a create. */
    @PATCH
    @Path("/{id}")
    public Uni<AlertingRecords.ReceiverView> update(@PathParam("id") String id, String raw,
                                                   RoutingContext ctx) {
        JsonBody patch = JsonBody.parse(raw);
        if (patch.has("id")) {
            throw AdminException.invalid("id", "'id' cannot change; create another receiver.");
        }
        return Panache.withTransaction(() -> require(id).map(receiver -> {
                    AuditNotes.before(ctx, AlertingRecords.view(receiver));
                    ReceiverSpec.parse(AlertingRecords.body(receiver).overlaidWith(patch)).applyTo(receiver);
                    receiver.updatedAt = AlertRulesResource.laterThan(receiver.updatedAt);
                    return receiver;
                }))
                .call(receiver -> publisher.receiver(receiver.id, AlertingRecords.receiver(receiver)))
                .invoke(receiver -> LOG.infof("receiver changed receiver=%s type=%s", receiver.id, receiver.type))
                .map(AlertingRecords::view);
    }

    /** Deletes a receiver no rule names (409 naming the rules otherwise) and publishes its tombstone. */
    @DELETE
    @Path("/{id}")
    public Uni<AlertingRecords.ReceiverView> delete(@PathParam("id") String id, RoutingContext ctx) {
        return Panache.withTransaction(() -> require(id)
                        .invoke(receiver -> AuditNotes.before(ctx, AlertingRecords.view(receiver)))
                        .call(receiver -> AlertRuleEntity.<AlertRuleEntity>listAll().map(rules -> {
                            List<String> using = rules.stream().filter(r -> r.receiverList().contains(id))
                                    .map(r -> r.id).toList();
                            if (!using.isEmpty()) {
                                throw AdminException.conflict("id", "Receiver '" + id + "' is named by the alert "
                                        + "rules " + using + "; remove it from them first.");
                            }
                            return null;
                        }))
                        .call(receiver -> receiver.delete()))
                .call(receiver -> publisher.receiver(receiver.id, null))
                .invoke(receiver -> LOG.infof("receiver deleted receiver=%s", receiver.id))
                .map(AlertingRecords::view);
    }

    private static Uni<AlertReceiverEntity> require(String id) {
        return AlertReceiverEntity.<AlertReceiverEntity>findById(id).onItem().ifNull()
                .failWith(() -> AdminException.notFound("receiver", id));
    }
}
