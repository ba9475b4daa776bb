package dev.tollgate.gateway.registry;

import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.gateway.admin.AdminConfig;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.UpstreamCredentials;
import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import dev.tollgate.gateway.secrets.SecretUnavailable;
import dev.tollgate.gateway.sync.AdminStateFeed;
import dev.tollgate.gateway.sync.StatePublisher;
import dev.tollgate.schemas.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Registered endpoints as admin state: published on {@code tollgate.endpoints.v1} (the upstream key sealed, never in
 * clear), and held by every replica's {@link EndpointRegistry} and {@link UpstreamCredentials} while they are
 * {@code ready} in an environment this replica serves ({@code tollgate.admin.environment}, validated at start). A
 * tombstone deregisters.
 *
 * <p>The upstream key is opened here, once per applied state, never per request. A replica that cannot open it (its
 * key-encryption key is not held here, or the envelope does not authenticate) does not route to that endpoint and
 * keeps the reason for the admin API ({@link #unavailableReason}); it starts and serves every other endpoint.
 */
@Singleton
public class EndpointStateFeed implements AdminStateFeed<EndpointState> {

    private static final Logger LOG = Logger.getLogger(EndpointStateFeed.class);

    private final EndpointRegistry endpoints;
    private final UpstreamCredentials credentials;
    private final StatePublisher publisher;
    private final String environment;
    /** The newest version applied per endpoint, so an older state read late never replaces a newer one. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** Why an endpoint this replica would route to is unavailable here: its upstream key could not be opened. */
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();
    private final SecretSealer sealer;

    @Inject
    EndpointStateFeed(EndpointRegistry endpoints, UpstreamCredentials credentials, StatePublisher publisher,
                      AdminConfig admin, SecretSealer sealer) {
        this.sealer = sealer;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.publisher = publisher;
        this.environment = admin.environment().toLowerCase(Locale.ROOT);
        if (!environment.equals("all") && Environment.parse(environment).isEmpty()) {
            throw new IllegalArgumentException("tollgate.admin.environment must be all, development, staging or "
                    + "production, not '" + admin.environment() + "'");
        }
    }

    @Override
    public String topic() {
        return Topics.ENDPOINTS;
    }

    @Override
    public Class<EndpointState> type() {
        return EndpointState.class;
    }

    @Override
    public Uni<Map<String, EndpointState>> snapshot() {
        return EndpointEntity.<EndpointEntity>listAll().map(rows -> {
            Map<String, EndpointState> states = new LinkedHashMap<>();
            rows.forEach(row -> states.put(row.id, EndpointRecords.endpointState(row)));
            return states;
        });
    }

    @Override
    public void apply(String endpointId, EndpointState state) {
        if (state == null) {
            versions.remove(endpointId);
            unavailable.remove(endpointId);
            endpoints.remove(endpointId);
            credentials.set(endpointId, null);
            LOG.infof("admin state applied endpoint=%s removed=true", endpointId);
            return;
        }
        Long held = versions.get(endpointId);
        if (held != null && held > state.getVersion()) {
            return;
        }
        versions.put(endpointId, state.getVersion());
        boolean routable = EndpointRecords.routable(state, environment);
        String refusal = null;
        if (routable) {
            try {
                credentials.set(endpointId, upstreamKey(state));
                unavailable.remove(endpointId);
                endpoints.register(EndpointRecords.endpoint(state));
            } catch (SecretUnavailable e) {
                refusal = "its upstream API key cannot be opened on this replica: " + e.getMessage();
                unavailable.put(endpointId, refusal);
                endpoints.remove(endpointId);
                credentials.set(endpointId, null);
            }
        } else {
            unavailable.remove(endpointId);
            endpoints.remove(endpointId);
            credentials.set(endpointId, null);
        }
        if (refusal == null) {
            LOG.infof("admin state applied %s routable=%s", EndpointRecords.describe(state), routable);
        } else {
            LOG.warnf("event=endpoint_unavailable %s reason=\"%s\"", EndpointRecords.describe(state), refusal);
        }
    }

    /** The upstream key of a state, opened in memory; null when it has none. */
    private String upstreamKey(EndpointState state) {
        if (state.getUpstreamApiKey() != null) {
            throw new SecretUnavailable("the state carries it in clear, which this version refuses; re-publish it "
                    + "sealed with POST /admin/v1/secrets/rewrap");
        }
        SealedSecret sealed = EndpointRecords.sealedKey(state);
        return sealed == null ? null : sealer.open(sealed, EndpointRecords.secretContext(state.getEndpointId()));
    }

    /**
     * Why this replica does not route to {@code endpointId} although it is ready in its environment (its upstream
     * key cannot be opened here), or null when nothing stops it.
     */
    String unavailableReason(String endpointId) {
        return unavailable.get(endpointId);
    }

    /** Publishes the current state of {@code endpoint} to every replica. */
    Uni<Void> publish(EndpointEntity endpoint) {
        EndpointState state = EndpointRecords.endpointState(endpoint);
        return publisher.publish(Topics.ENDPOINTS, endpoint.id, state, EndpointRecords.describe(state));
    }

    /** Publishes the tombstone of a deregistered endpoint. */
    Uni<Void> publishRemoval(String endpointId) {
        return publisher.publish(Topics.ENDPOINTS, endpointId, null, "endpoint=" + endpointId);
    }
}
