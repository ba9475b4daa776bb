package dev.tollgate.streams.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers an interactive query from the instance that owns its key, for any store partitioned like its source
 * topic: locally when this instance owns the key, else by proxying the same request once to the owner (marked with
 * {@link RemoteQueryClient#FORWARDED_BY}, so it is never forwarded again), else 503 with {@code Retry-After}.
 *
 * <p>Every resource whose store is partitioned like the usage topic (totals, budgets, rollups) answers through
 * this one path, so routing, its errors and its {@code Retry-After} behave the same for all of them.
 */
@ApplicationScoped
public class OwnerRouting {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final Optional<HostInfo> self;
    private final RemoteQueryClient remote;
    private final QueryConfig config;

    @Inject
    public OwnerRouting(KafkaStreams streams, QueryConfig config,
            @ConfigProperty(name = "quarkus.kafka-streams.application-server") Optional<String> applicationServer) {
        this.streams = streams;
        this.config = config;
        this.self = applicationServer.map(HostInfo::buildFromEndpoint);
        this.remote = new RemoteQueryClient(config.proxyTimeout(), applicationServer.orElse("unknown"));
    }

    /**
     * The answer to a query of {@code store} about {@code partitionKey}.
     *
     * @param store        the store queried
     * @param partitionKey the key the store is partitioned by (an org id or an endpoint id), not the store key
     * @param forwarded    whether another instance forwarded this request
     * @param pathAndQuery this request's path and query, to forward to the owner
     * @param unavailable  the error to answer with when nobody can answer, given the reason
     * @param local        reads the local store; may throw {@link InvalidStateStoreException}
     */
    public Response route(String store, String partitionKey, boolean forwarded, String pathAndQuery,
            Function<String, ApiError> unavailable, Supplier<Response> local) {
        try {
            KeyOwner owner = self.isEmpty()
                    ? new KeyOwner.Local()
                    : KeyOwner.locate(streams.queryMetadataForKey(store, partitionKey, KEYS), self);
            if (owner instanceof KeyOwner.Local) {
                return local.get();
            }
            if (owner instanceof KeyOwner.Remote remoteOwner && !forwarded) {
                QueryOutcome outcome = remote.get(remoteOwner.host(), pathAndQuery, partitionKey);
                if (outcome instanceof QueryOutcome.Relayed relayed) {
                    Response.ResponseBuilder answer = Response.status(relayed.status())
                            .type(MediaType.APPLICATION_JSON_TYPE).entity(relayed.body());
                    return relayed.status() == 503 ? withRetryAfter(answer).build() : answer.build();
                }
                return unavailable(unavailable.apply(((QueryOutcome.Unavailable) outcome).reason()));
            }
            return unavailable(unavailable.apply(forwarded ? "ownership of this key is moving"
                    : "no instance owns this key right now"));
        } catch (InvalidStateStoreException e) {
            return unavailable(unavailable.apply("the store is not queryable (starting or rebalancing)"));
        }
    }

    /**
     * The owner's JSON answer to a query of {@code store} about {@code partitionKey}, for a resource that combines
     * several owners' answers (a comparison of two runs): {@link QueryOutcome.Relayed} with the local answer, or
     * with the owner's as it answered; {@link QueryOutcome.Unavailable} when nobody can answer.
     *
     * @param store        the store queried
     * @param partitionKey the key the store is partitioned by
     * @param pathAndQuery the path and query that answers it, to ask the owner
     * @param local        the local answer's JSON; may throw {@link InvalidStateStoreException}
     */
    public QueryOutcome fetch(String store, String partitionKey, String pathAndQuery, Supplier<String> local) {
        try {
            KeyOwner owner = self.isEmpty()
                    ? new KeyOwner.Local()
                    : KeyOwner.locate(streams.queryMetadataForKey(store, partitionKey, KEYS), self);
            if (owner instanceof KeyOwner.Local) {
                return new QueryOutcome.Relayed(200, local.get());
            }
            if (owner instanceof KeyOwner.Remote remoteOwner) {
                return remote.get(remoteOwner.host(), pathAndQuery, partitionKey);
            }
            return new QueryOutcome.Unavailable("no instance owns this key right now");
        } catch (InvalidStateStoreException e) {
            return new QueryOutcome.Unavailable("the store is not queryable (starting or rebalancing)");
        }
    }

    /** A 503 with {@code Retry-After} and {@code error}. */
    public Response unavailableResponse(ApiError error) {
        return unavailable(error);
    }

    /**
     * For a query about every key of {@code store} (a list of all alerts, say): the answers of every other instance
     * that hosts an active part of the store, each asked once with {@link RemoteQueryClient#FORWARDED_BY} so that it
     * answers from its own part only. Empty when this instance runs alone (no {@code application.server}) or when
     * the request was itself forwarded. The caller adds its own part and fails the query if any answer is missing.
     *
     * @param store        the store queried
     * @param forwarded    whether another instance forwarded this request
     * @param pathAndQuery this request's path and query, to forward
     */
    public List<QueryOutcome> askEveryOther(String store, boolean forwarded, String pathAndQuery) {
        List<QueryOutcome> answers = new ArrayList<>();
        if (self.isEmpty() || forwarded) {
            return answers;
        }
        for (StreamsMetadata instance : streams.streamsMetadataForStore(store)) {
            if (!instance.hostInfo().equals(self.get())) {
                answers.add(remote.get(instance.hostInfo(), pathAndQuery, "all of " + store));
            }
        }
        return answers;
    }

    /** The {@code Retry-After} seconds of a 503. */
    public long retryAfterSeconds() {
        return Math.max(1, config.retryAfter().toSeconds());
    }

    private Response unavailable(ApiError error) {
        return withRetryAfter(Response.status(Response.Status.SERVICE_UNAVAILABLE)).entity(error).build();
    }

    private Response.ResponseBuilder withRetryAfter(Response.ResponseBuilder answer) {
        return answer.header("Retry-After", Math.max(1, config.retryAfter().toSeconds()));
    }
}
