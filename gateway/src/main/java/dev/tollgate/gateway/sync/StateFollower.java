package dev.tollgate.gateway.sync;

import dev.tollgate.control.v1.ApiKeyState;
import dev.tollgate.control.v1.EndpointState;
import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.gateway.admin.AdminConfig;
import dev.tollgate.gateway.auth.KeyStore;
import dev.tollgate.gateway.budget.Budget;
import dev.tollgate.gateway.budget.BudgetBook;
import dev.tollgate.gateway.budget.BudgetEntity;
import dev.tollgate.gateway.config.GatewayConfig;
import dev.tollgate.gateway.registry.EndpointEntity;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.UpstreamCredentials;
import dev.tollgate.gateway.tenancy.ApiKeyEntity;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's {@link KeyStore}, {@link EndpointRegistry} and {@link BudgetBook} definitions equal to the admin state, without a restart
 * and without the hot path ever reading a database.
 *
 * <p>At start it notes the end offsets of the compacted topics, then loads a snapshot from PostgreSQL (the system
 * of record), then follows the topics from the noted offsets. Every change committed after the snapshot was read
 * is published after those offsets, so nothing is missed; a change seen twice is harmless because states carry
 * their row version and an older version never replaces a newer one. Readiness turns UP only once the snapshot
 * is held ({@link #ready()}). One thread owns the consumer; it applies a change within milliseconds of the
 * broker acknowledging it.
 */
@ApplicationScoped
public class StateFollower {

    private static final Logger LOG = Logger.getLogger(StateFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SNAPSHOT_RETRY = Duration.ofSeconds(1);
    /** Past this, the log warns that revocations may be missed (see {@link Confirmation}). */
    private static final Duration WARN_STALENESS = Duration.ofSeconds(10);

    private final KeyStore keys;
    private final EndpointRegistry endpoints;
    private final UpstreamCredentials credentials;
    private final BudgetBook budgets;
    private final String environment;
    private final Duration snapshotTimeout;
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final Map<String, Long> endpointVersions = new ConcurrentHashMap<>();
    private final CountDownLatch snapshotLoaded = new CountDownLatch(1);
    /**
     * Snapshot, then follow, until stopped. If following fails, the whole cycle starts again: a fresh snapshot
     * repairs whatever was missed, and readiness is DOWN meanwhile.
     */
    private final TopicFollower<Object> follower = new TopicFollower<>("tollgate-admin-state-follower",
            this::createConsumer, this::follow, () -> following = false, SNAPSHOT_RETRY);
    private volatile boolean following;
    private final Confirmation confirmation =
            new Confirmation(() -> System.nanoTime() / 1_000_000, WARN_STALENESS);

    @Inject
    StateFollower(KeyStore keys, EndpointRegistry endpoints, UpstreamCredentials credentials, BudgetBook budgets,
                  AdminConfig admin, GatewayConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                  MeterRegistry metrics) {
        this.keys = keys;
        this.budgets = budgets;
        this.endpoints = endpoints;
        this.credentials = credentials;
        this.environment = admin.environment().toLowerCase(Locale.ROOT);
        if (!environment.equals("all") && Environment.parse(environment).isEmpty()) {
            throw new IllegalArgumentException("tollgate.admin.environment must be all, development, staging or "
                    + "production, not '" + admin.environment() + "'");
        }
        this.snapshotTimeout = admin.snapshotTimeout();
        this.registryUrl = config.registry().url();
        this.consumerProps = new HashMap<>(kafka);
        Gauge.builder("tollgate.admin_state.staleness", this, f -> f.staleness().toMillis() / 1000.0)
                .baseUnit("seconds").description("Time since this replica last knew it held every admin state change")
                .register(metrics);
    }

    void start(@Observes StartupEvent ignored) throws InterruptedException {
        follower.start();
        if (!snapshotLoaded.await(snapshotTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warnf("admin state snapshot not loaded yet, not ready timeout=%s", snapshotTimeout);
        }
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        follower.stop();
    }

    /**
     * Whether the snapshot is held and the topics are being followed, so this replica knows every key and
     * endpoint and sees every change.
     */
    public boolean ready() {
        return following;
    }

    /**
     * How long since this replica last knew it held every key, endpoint and budget change: about a second while
     * the broker answers, growing while it does not ({@link Confirmation}).
     */
    public Duration staleness() {
        return confirmation.staleness();
    }

    private void follow(KafkaConsumer<String, Object> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.KEYS, Topics.ENDPOINTS, Topics.BUDGETS)) {
            List<PartitionInfo> found = c.partitionsFor(topic);
            if (found == null || found.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; create it from Topics.all()");
            }
            found.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(partitions);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        loadSnapshot();
        ends.forEach(c::seek);
        following = true;
        snapshotLoaded.countDown();
        while (follower.running()) {
            for (ConsumerRecord<String, Object> record : c.poll(POLL)) {
                apply(record);
            }
            confirmation.check(c, partitions);
        }
    }

    private void loadSnapshot() {
        while (follower.running()) {
            try {
                Snapshot snapshot = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() ->
                        ApiKeyEntity.<ApiKeyEntity>listAll().flatMap(k -> EndpointEntity.<EndpointEntity>listAll()
                                .flatMap(e -> BudgetEntity.<BudgetEntity>listAll().map(b -> new Snapshot(k, e, b))))));
                snapshot.keys().forEach(k -> keys.put(States.keyRecord(States.keyState(k))));
                snapshot.endpoints().forEach(e -> applyEndpoint(e.id, States.endpointState(e)));
                snapshot.budgets().forEach(b -> applyBudget(b.id, b.definition()));
                LOG.infof("admin state snapshot loaded keys=%d endpoints=%d budgets=%d environment=%s",
                        snapshot.keys().size(), snapshot.endpoints().size(), snapshot.budgets().size(), environment);
                return;
            } catch (Throwable e) {
                LOG.warnf("admin state snapshot failed, retrying reason=%s", e.getMessage());
                TopicFollower.pause(SNAPSHOT_RETRY);
            }
        }
    }

    private record Snapshot(List<ApiKeyEntity> keys, List<EndpointEntity> endpoints, List<BudgetEntity> budgets) {
    }

    /** Applies one change read from a compacted topic. */
    void apply(ConsumerRecord<String, Object> record) {
        if (record.topic().equals(Topics.KEYS) && record.value() instanceof ApiKeyState state) {
            boolean applied = keys.put(States.keyRecord(state));
            LOG.debugf("admin state applied key=%s version=%d applied=%s", state.getKeyId(), state.getVersion(), applied);
        } else if (record.topic().equals(Topics.ENDPOINTS)) {
            applyEndpoint(record.key(), record.value() instanceof EndpointState state ? state : null);
        } else if (record.topic().equals(Topics.BUDGETS)) {
            applyBudget(record.key(), record.value() instanceof BudgetDefinition definition ? definition : null);
        } else if (record.value() != null) {
            LOG.warnf("admin state record ignored topic=%s offset=%d type=%s", record.topic(), record.offset(),
                    record.value().getClass().getName());
        }
    }

    private void applyEndpoint(String endpointId, EndpointState state) {
        if (endpointId == null) {
            return;
        }
        if (state == null) {
            endpointVersions.remove(endpointId);
            endpoints.remove(endpointId);
            credentials.set(endpointId, null);
            LOG.infof("admin state applied endpoint=%s removed=true", endpointId);
            return;
        }
        Long held = endpointVersions.get(endpointId);
        if (held != null && held > state.getVersion()) {
            return;
        }
        endpointVersions.put(endpointId, state.getVersion());
        if (States.routable(state, environment)) {
            credentials.set(endpointId, state.getUpstreamApiKey());
            endpoints.register(States.endpoint(state));
        } else {
            endpoints.remove(endpointId);
            credentials.set(endpointId, null);
        }
        LOG.infof("admin state applied %s routable=%s", States.describe(state), States.routable(state, environment));
    }

    private void applyBudget(String budgetId, BudgetDefinition definition) {
        if (budgetId == null) {
            return;
        }
        if (definition == null) {
            budgets.remove(budgetId);
            LOG.infof("admin state applied budget=%s removed=true", budgetId);
            return;
        }
        try {
            budgets.define(Budget.of(definition));
            LOG.infof("admin state applied budget=%s org=%s enforcement=%s", budgetId, definition.getOrgId(),
                    definition.getEnforcement());
        } catch (IllegalArgumentException e) {
            LOG.warnf("admin state budget ignored budget=%s reason=\"%s\"", budgetId, e.getMessage());
        }
    }

    private KafkaConsumer<String, Object> createConsumer() {
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-gateway-admin-state");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}
