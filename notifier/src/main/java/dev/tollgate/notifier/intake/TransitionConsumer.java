package dev.tollgate.notifier.intake;

import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import dev.tollgate.notifier.config.NotifierConfig;
import dev.tollgate.notifier.config.RegistryConfig;
import dev.tollgate.notifier.delivery.DeliveryStore;
import dev.tollgate.notifier.payload.AlertItem;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code tollgate.alerts.v1} in the notifier's consumer group and records, for every firing or resolved
 * transition and every receiver its rule names, one delivery (idempotency key: transition id and receiver id) in
 * PostgreSQL; only then are the offsets committed. So a transition is recorded before it counts as read, and one read
 * again after a crash or rebalance is not recorded twice. It reads committed records only ({@code read_committed}):
 * the streams app publishes transitions in transactions, and an aborted one was never a transition.
 *
 * <p>Pending and inactive transitions are not notified (Alertmanager never sees pending alerts either); they are on
 * the topic for whoever wants the whole history. A new consumer group starts from the topic's beginning, but a
 * transition older than the retention of the delivery record is skipped: its delivery could no longer be
 * recognised as one already made.
 */
@Singleton
public class TransitionConsumer {

    private static final Logger LOG = Logger.getLogger(TransitionConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final DeliveryStore store;
    private final Map<String, Object> kafka;
    private final String registryUrl;
    private final String groupId;
    private final String generatorUrl;
    private final Duration retention;
    private final Counter transitions;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile KafkaConsumer<String, Object> consumer;
    private Thread thread;

    @Inject
    TransitionConsumer(DeliveryStore store, @Identifier("default-kafka-broker") Map<String, Object> kafka,
                       RegistryConfig registry, NotifierConfig config, MeterRegistry meters) {
        this.store = store;
        this.kafka = new HashMap<>(kafka);
        this.registryUrl = registry.url();
        this.groupId = config.groupId();
        this.generatorUrl = config.generatorUrl().orElse(null);
        this.retention = config.retention();
        this.transitions = Counter.builder("tollgate.notifier.transitions")
                .description("firing and resolved transitions read, before deduplication").register(meters);
    }

    void start(@Observes StartupEvent ignored) {
        thread = new Thread(this::run, "tollgate-notifier-transitions");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        KafkaConsumer<String, Object> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    /** Whether the consumer is following the topic. */
    public boolean following() {
        return assigned;
    }

    /** The deliveries of one transition: one per receiver its rule names; none for pending and inactive ones. */
    static List<DeliveryStore.NewDelivery> deliveries(AlertTransition t, String generatorUrl) {
        if (t.getState() != AlertState.FIRING && t.getState() != AlertState.RESOLVED) {
            return List.of();
        }
        AlertItem item = AlertItem.of(t, generatorUrl);
        List<DeliveryStore.NewDelivery> deliveries = new ArrayList<>();
        for (String receiver : t.getReceivers()) {
            deliveries.add(new DeliveryStore.NewDelivery(t.getTransitionId() + "/" + receiver, t.getTransitionId(),
                    receiver, t.getFingerprint(), item, t.getTransitionedAt()));
        }
        return deliveries;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, Object> c = createConsumer()) {
                consumer = c;
                c.subscribe(List.of(Topics.ALERTS));
                while (running) {
                    ConsumerRecords<String, Object> records = c.poll(POLL);
                    assigned = !c.assignment().isEmpty();
                    if (records.isEmpty()) {
                        continue;
                    }
                    List<DeliveryStore.NewDelivery> batch = new ArrayList<>();
                    for (ConsumerRecord<String, Object> record : records) {
                        if (record.value() instanceof AlertTransition transition
                                && transition.getTransitionedAt().isAfter(Instant.now().minus(retention))) {
                            List<DeliveryStore.NewDelivery> some = deliveries(transition, generatorUrl);
                            if (!some.isEmpty()) {
                                transitions.increment();
                            }
                            batch.addAll(some);
                        } else if (record.value() != null) {
                            LOG.warnf("event=alert_record_ignored partition=%d offset=%d type=%s", record.partition(),
                                    record.offset(), record.value().getClass().getName());
                        }
                    }
                    int added = store.record(batch, Instant.now());
                    c.commitSync();
                    if (!batch.isEmpty()) {
                        LOG.infof("event=transitions_recorded deliveries=%d new=%d", batch.size(), added);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                assigned = false;
                LOG.warnf("event=transition_consumer_failed retry=%s reason=\"%s\"", RETRY, e.getMessage());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private KafkaConsumer<String, Object> createConsumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-notifier-transitions");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}
