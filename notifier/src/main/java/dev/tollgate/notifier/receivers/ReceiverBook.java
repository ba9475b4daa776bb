package dev.tollgate.notifier.receivers;

import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.notifier.config.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Every receiver, in memory, followed from the compacted {@code tollgate.alert-receivers.v1}: read from the beginning
 * at start (ready once the end offsets noted then are reached), then followed; a tombstone removes a receiver, and an
 * older version never replaces a newer one. The notifier is the only reader of that topic, since it carries the
 * receivers' URLs.
 */
@Singleton
public class ReceiverBook {

    private static final Logger LOG = Logger.getLogger(ReceiverBook.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
    private final Map<String, Object> kafka;
    private final String registryUrl;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, Object> consumer;
    private Thread thread;

    @Inject
    ReceiverBook(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.kafka = new HashMap<>(kafka);
        this.registryUrl = registry.url();
    }

    void start(@Observes StartupEvent ignored) {
        thread = new Thread(this::run, "tollgate-receiver-follower");
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

    /** The receiver {@code id}, if it exists. */
    public Optional<Receiver> get(String id) {
        return Optional.ofNullable(receivers.get(id));
    }

    /** Whether every receiver published before start is held. */
    public boolean ready() {
        return ready;
    }

    /** Applies one record of the topic; a tombstone removes the receiver. */
    void apply(String id, Object value) {
        if (id == null) {
            return;
        }
        if (value == null) {
            receivers.remove(id);
            LOG.infof("event=receiver_removed receiver=%s", id);
            return;
        }
        if (!(value instanceof AlertReceiver record)) {
            LOG.warnf("event=receiver_ignored receiver=%s type=%s", id, value.getClass().getName());
            return;
        }
        Receiver receiver = Receiver.of(record);
        receivers.merge(id, receiver, (held, next) -> next.version() >= held.version() ? next : held);
        LOG.infof("event=receiver_applied receiver=%s type=%s version=%d", id, receiver.type(), receiver.version());
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, Object> c = createConsumer()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("event=receiver_follower_failed retry=%s reason=\"%s\"", RETRY, e.getMessage());
                pause();
            }
        }
    }

    private void follow(KafkaConsumer<String, Object> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> found = c.partitionsFor(Topics.ALERT_RECEIVERS);
        if (found == null || found.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.ALERT_RECEIVERS + " does not exist");
        }
        found.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        while (running) {
            for (ConsumerRecord<String, Object> record : c.poll(POLL)) {
                apply(record.key(), record.value());
            }
            if (!ready && ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                ready = true;
                LOG.infof("event=receivers_loaded receivers=%d", receivers.size());
            }
        }
    }

    private KafkaConsumer<String, Object> createConsumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-notifier-receivers");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
