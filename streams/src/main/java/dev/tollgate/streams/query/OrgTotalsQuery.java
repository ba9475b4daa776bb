package dev.tollgate.streams.query;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tollgate.streams.usage.OrgUsageTotals;
import dev.tollgate.streams.usage.UsageTotalsTopology;

/**
 * Reads an org's totals from the totals store with interactive queries, wherever the store's active copy for that
 * org lives: from the local store when this instance owns it, else from the owning instance over HTTP.
 *
 * <p>Routing needs each instance's {@code quarkus.kafka-streams.application-server} ({@code host:port} of its
 * HTTP API, reachable by the other instances). Without it the app assumes it is the only instance and reads
 * locally; with several instances that would answer 404 for orgs owned elsewhere, so set it whenever more than one
 * instance runs.
 */
@ApplicationScoped
public class OrgTotalsQuery {

    private static final Logger LOG = Logger.getLogger(OrgTotalsQuery.class);
    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final Optional<HostInfo> self;
    private final RemoteTotalsClient remote;

    @Inject
    public OrgTotalsQuery(KafkaStreams streams, QuerySettings settings,
            @ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> applicationServer) {
        this(streams, applicationServer.map(HostInfo::buildFromEndpoint),
                new RemoteTotalsClient(settings.proxyTimeout(), applicationServer.orElse("unknown")));
    }

    OrgTotalsQuery(KafkaStreams streams, Optional<HostInfo> self, RemoteTotalsClient remote) {
        this.streams = streams;
        this.self = self;
        this.remote = remote;
    }

    /**
     * The totals of {@code orgId}.
     *
     * @param orgId     the org
     * @param forwarded whether another instance forwarded this query; if so it is never forwarded again
     */
    public QueryOutcome find(String orgId, boolean forwarded) {
        KeyOwner owner;
        try {
            owner = self.isEmpty()
                    ? new KeyOwner.Local()
                    : KeyOwner.locate(streams.queryMetadataForKey(UsageTotalsTopology.TOTALS_STORE, orgId, KEYS), self);
        } catch (InvalidStateStoreException e) {
            return unavailable(orgId, "the streams app is not running yet");
        }
        if (owner instanceof KeyOwner.Local) {
            return readLocal(orgId);
        }
        if (owner instanceof KeyOwner.Remote remoteOwner) {
            return forwarded
                    ? unavailable(orgId, "ownership of this org is moving")
                    : remote.fetch(remoteOwner.host(), orgId);
        }
        return unavailable(orgId, "no instance owns this org right now");
    }

    private QueryOutcome readLocal(String orgId) {
        OrgUsageTotals totals;
        try {
            ReadOnlyKeyValueStore<String, OrgUsageTotals> store = streams.store(StoreQueryParameters.fromNameAndType(
                    UsageTotalsTopology.TOTALS_STORE, QueryableStoreTypes.keyValueStore()));
            totals = store.get(orgId);
        } catch (InvalidStateStoreException e) {
            return unavailable(orgId, "the totals store is not queryable (starting or rebalancing)");
        }
        return totals == null ? new QueryOutcome.NotFound() : new QueryOutcome.Found(OrgUsageTotalsView.of(orgId, totals));
    }

    private static QueryOutcome unavailable(String orgId, String reason) {
        LOG.debugf("event=totals_unavailable org_id=%s reason=\"%s\"", orgId, reason);
        return new QueryOutcome.Unavailable(reason);
    }
}
