package dev.tollgate.gateway.sync;

import dev.tollgate.gateway.admin.AdminConfig;
import dev.tollgate.gateway.config.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Keeps this replica's copy of every kind of admin state (each an {@link AdminStateFeed} bean: keys, endpoints,
 * budgets, ...) equal to PostgreSQL, without a restart and without the hot path ever reading a database.
 *
 * <p>It notes the end offsets of the feeds' compacted topics, loads every feed's snapshot from PostgreSQL in one
 * session, then follows the topics from the noted offsets ({@link FollowedTopics.Bootstrap.Snapshot}). A change
 * seen twice is harmless: states carry their row version and an older one never replaces a newer one. Readiness
 * turns UP only once the snapshot is held ({@link #ready()}). One thread owns the consumer; it applies a change
 * within milliseconds of the broker acknowledging it, and confirms once a second that it has read to the end
 * ({@link Confirmation}).
 */
@ApplicationScoped
public class AdminStateFollower {

    private static final Logger LOG = Logger.getLogger(AdminStateFollower.class);
    private static final Duration SNAPSHOT_RETRY = Duration.ofSeconds(1);
    /** Past this, the log warns that revocations may be missed (see {@link Confirmation}). */
    private static final Duration WARN_STALENESS = Duration.ofSeconds(10);

    /** The feeds by topic, in topic order, so the snapshot is read in the same order on every replica. */
    private final Map<String, AdminStateFeed<?>> feeds;
    private final Duration snapshotTimeout;
    private final Map<String, Object> consumerProps;
    private final String registryUrl;
    private final FollowedTopics<Object> followed;
    private final Confirmation confirmation =
            new Confirmation(() -> System.nanoTime() / 1_000_000, WARN_STALENESS);

    @Inject
    AdminStateFollower(Instance<AdminStateFeed<?>> feeds, AdminConfig admin, RegistryConfig registry,
                       @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry metrics) {
        this.feeds = byTopic(feeds.stream().toList());
        this.snapshotTimeout = admin.snapshotTimeout();
        this.registryUrl = registry.url();
        this.consumerProps = new HashMap<>(kafka);
        this.followed = new FollowedTopics<>("tollgate-admin-state-follower", List.copyOf(this.feeds.keySet()),
                new FollowedTopics.Bootstrap.Snapshot(this::loadSnapshot), this::createConsumer, new Sink(),
                SNAPSHOT_RETRY);
        Gauge.builder("tollgate.admin_state.staleness", this, f -> f.staleness().toMillis() / 1000.0)
                .baseUnit("seconds").description("Time since this replica last knew it held every admin state change")
                .register(metrics);
    }

    /** The feeds by topic; two feeds of one topic are a wiring mistake, refused at start. */
    static Map<String, AdminStateFeed<?>> byTopic(List<AdminStateFeed<?>> feeds) {
        Map<String, AdminStateFeed<?>> byTopic = new LinkedHashMap<>();
        feeds.stream().sorted(Comparator.comparing(AdminStateFeed::topic)).forEach(feed -> {
            AdminStateFeed<?> other = byTopic.putIfAbsent(feed.topic(), feed);
            if (other != null) {
                throw new IllegalStateException("two admin state feeds follow " + feed.topic() + ": "
                        + other.getClass().getName() + " and " + feed.getClass().getName());
            }
        });
        return byTopic;
    }

    void start(@Observes StartupEvent ignored) throws InterruptedException {
        if (!followed.start(snapshotTimeout)) {
            LOG.warnf("admin state snapshot not loaded yet, not ready timeout=%s", snapshotTimeout);
        }
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        followed.stop();
    }

    /**
     * Whether the snapshot is held and the topics are being followed, so this replica knows every key, endpoint
     * and budget and sees every change.
     */
    public boolean ready() {
        return followed.ready();
    }

    /**
     * How long since this replica last knew it held every admin state change: about a second while the broker
     * answers, growing while it does not ({@link Confirmation}).
     */
    public Duration staleness() {
        return confirmation.staleness();
    }

    private void loadSnapshot() {
        List<Integer> counts;
        try {
            counts = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() ->
                    Multi.createFrom().iterable(feeds.values())
                            .onItem().transformToUniAndConcatenate(AdminStateFollower::applySnapshot)
                            .collect().asList()));
        } catch (Throwable e) {
            throw new IllegalStateException("the admin state snapshot could not be read from PostgreSQL: "
                    + e.getMessage(), e);
        }
        Map<String, Integer> loaded = new LinkedHashMap<>();
        int i = 0;
        for (String topic : feeds.keySet()) {
            loaded.put(topic, counts.get(i++));
        }
        LOG.infof("admin state snapshot loaded states=%s", loaded);
    }

    private static <V extends SpecificRecord> Uni<Integer> applySnapshot(AdminStateFeed<V> feed) {
        return feed.snapshot().map(states -> {
            states.forEach(feed::apply);
            return states.size();
        });
    }

    /** Applies one change read from a compacted topic; a tombstone applies as null. */
    void apply(ConsumerRecord<String, Object> record) {
        AdminStateFeed<?> feed = feeds.get(record.topic());
        if (feed == null || record.key() == null) {
            return;
        }
        applyTo(feed, record);
    }

    private static <V extends SpecificRecord> void applyTo(AdminStateFeed<V> feed, ConsumerRecord<String, Object> record) {
        Object value = record.value();
        if (value == null || feed.type().isInstance(value)) {
            feed.apply(record.key(), value == null ? null : feed.type().cast(value));
        } else {
            LOG.warnf("admin state record ignored topic=%s offset=%d type=%s", record.topic(), record.offset(),
                    value.getClass().getName());
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

    /** Applies what is read, and confirms after each poll that everything up to the end was read. */
    private final class Sink implements FollowedTopics.Sink<Object> {

        @Override
        public void apply(ConsumerRecord<String, Object> record, boolean live) {
            AdminStateFollower.this.apply(record);
        }

        @Override
        public void polled(Consumer<String, Object> consumer, List<TopicPartition> partitions) {
            confirmation.check(consumer, partitions);
        }
    }
}
