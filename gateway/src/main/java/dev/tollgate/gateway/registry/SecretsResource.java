package dev.tollgate.gateway.registry;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import dev.tollgate.gateway.secrets.SecretUnavailable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The secrets of the registry: {@code /admin/v1/secrets}. {@code GET} tells which key-encryption keys this replica
 * holds and which KEK seals how many upstream keys; {@code POST /rewrap} moves every upstream key to one KEK (the
 * primary by default) without downtime: only the wrapped data keys change, each endpoint's row is updated and its
 * state re-published, and each replica opens the new form while it still holds the old KEK (docs/security.md#rotation).
 * It also re-publishes the endpoints already on the target KEK, so a record of an earlier version still carrying a
 * plaintext key is superseded on the compacted topic.
 */
@Path("/admin/v1/secrets")
@Produces(MediaType.APPLICATION_JSON)
public class SecretsResource {

    private static final Logger LOG = Logger.getLogger(SecretsResource.class);

    private final SecretSealer sealer;
    private final EndpointStateFeed feed;

    @Inject
    SecretsResource(SecretSealer sealer, EndpointStateFeed feed) {
        this.sealer = sealer;
        this.feed = feed;
    }

    /**
     * What this replica holds, and where the stored secrets stand.
     *
     * @param object          always {@code secrets}
     * @param primaryKekId    the KEK new secrets are sealed with, or null when none is configured
     * @param kekIds          the KEKs this replica holds
     * @param endpointsByKek  how many endpoints' upstream keys each KEK wraps, by KEK id
     * @param unavailable     endpoints this replica does not route to because it cannot open their upstream key
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SecretsView(String object, String primaryKekId, List<String> kekIds, Map<String, Long> endpointsByKek,
                              List<Failure> unavailable) {
    }

    /**
     * An endpoint whose secret could not be used.
     *
     * @param endpointId the endpoint
     * @param reason     why, never containing secret material
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Failure(String endpointId, String reason) {
    }

    /**
     * The outcome of a re-wrap.
     *
     * @param object      always {@code secrets_rewrap}
     * @param targetKekId the KEK every upstream key is now wrapped by
     * @param rewrapped   endpoints whose data key was re-wrapped
     * @param republished endpoints re-published (all with a sealed key, re-wrapped or not)
     * @param failed      endpoints left as they were, and why (e.g. their KEK is not held by this replica)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RewrapView(String object, String targetKekId, int rewrapped, int republished, List<Failure> failed) {
    }

    @GET
    public Uni<SecretsView> status() {
        return Panache.withSession(() -> EndpointEntity.<EndpointEntity>list("upstreamKeyKekId is not null"))
                .map(rows -> {
                    Map<String, Long> byKek = new TreeMap<>();
                    List<Failure> unavailable = new ArrayList<>();
                    for (EndpointEntity row : rows) {
                        byKek.merge(row.upstreamKeyKekId, 1L, Long::sum);
                        String reason = feed.unavailableReason(row.id);
                        if (reason != null) {
                            unavailable.add(new Failure(row.id, reason));
                        }
                    }
                    return new SecretsView("secrets", sealer.primaryKekId(), List.copyOf(sealer.kekIds()), byKek,
                            unavailable);
                });
    }

    /** Re-wraps every upstream key to {@code {"kek_id"}} (default: the primary KEK) and re-publishes them. */
    @POST
    @Path("/rewrap")
    public Uni<RewrapView> rewrap(String raw) {
        JsonBody body = JsonBody.parse(raw == null || raw.isBlank() ? "{}" : raw);
        String target = body.optionalText("kek_id", JsonBody.MODEL, "the id of a key-encryption key this replica holds")
                .orElse(sealer.primaryKekId());
        if (target == null || !sealer.kekIds().contains(target)) {
            throw AdminException.invalid("kek_id", target == null
                    ? "No key-encryption key is configured (tollgate.secrets), so there is nothing to re-wrap to."
                    : "This replica holds no key-encryption key '" + target + "'; it holds " + sealer.kekIds() + ".");
        }
        List<Failure> failed = new ArrayList<>();
        int[] rewrapped = {0};
        return Panache.withTransaction(() -> EndpointEntity.<EndpointEntity>list("upstreamKeyKekId is not null "
                        + "order by id").invoke(rows -> rows.forEach(row -> {
                            if (row.upstreamKeyKekId.equals(target)) {
                                return;
                            }
                            try {
                                SealedSecret moved = sealer.rewrap(new SealedSecret(row.upstreamKeyKekId,
                                        row.upstreamKeyEnvelope), EndpointRecords.secretContext(row.id), target);
                                row.upstreamKeyKekId = moved.kekId();
                                row.upstreamKeyEnvelope = moved.envelope();
                                rewrapped[0]++;
                            } catch (SecretUnavailable e) {
                                failed.add(new Failure(row.id, e.getMessage()));
                            }
                        })))
                .call(rows -> Multi.createFrom().iterable(rows)
                        .filter(row -> row.upstreamKeyKekId.equals(target))
                        .onItem().transformToUniAndConcatenate(feed::publish).collect().asList())
                .map(rows -> {
                    int republished = (int) rows.stream().filter(r -> r.upstreamKeyKekId.equals(target)).count();
                    LOG.infof("event=secrets_rewrapped target_kek=%s rewrapped=%d republished=%d failed=%d", target,
                            rewrapped[0], republished, failed.size());
                    return new RewrapView("secrets_rewrap", target, rewrapped[0], republished, failed);
                });
    }
}
