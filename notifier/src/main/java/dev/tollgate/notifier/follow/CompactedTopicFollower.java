package dev.tollgate.notifier.follow;

import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Follows one compacted admin-state topic on its own thread, without a consumer group: every partition is read from
 * the beginning, each record handed to {@code apply} (a {@code null} value is a tombstone), and the follower is
 * {@linkplain #ready() ready} once the end offsets noted at start are reached, so that nothing published before start
 * is missed by a caller that waits for it. A failure (topic missing, broker gone) is logged and the topic re-read
 * from the beginning after {@link #RETRY}; re-applying a record must therefore be harmless, which a newer-version-wins
 * merge makes it.
 *
 * <p>One instance per topic; the owner starts it when the application starts and stops it when it shuts down.
 */
public final class CompactedTopicFollower {

    /** The pause after a failure before the topic is read again. */
    public static final Duration RETRY = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(CompactedTopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final String clientId;
    private final Map<String, Object> kafka;
    private final String registryUrl;
    private final BiConsumer<String, Object> apply;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, Object> consumer;
    private Thread thread;

    /**
     * @param clientId the Kafka client id, also the name of the follower's thread
     * @param kafka the application's Kafka client properties; its group id is not used
     * @param apply called on the follower's thread with each record's key and value, in offset order per partition
     */
    public CompactedTopicFollower(String topic, String clientId, Map<String, Object> kafka, String registryUrl,
            BiConsumer<String, Object> apply) {
        this.topic = topic;
        this.clientId = clientId;
        this.kafka = new HashMap<>(kafka);
        this.registryUrl = registryUrl;
        this.apply = apply;
    }

    /** Starts the follower's thread. */
    public synchronized void start() {
        thread = new Thread(this::run, clientId);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the follower and waits up to five seconds for its thread to end. */
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, Object> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        Thread started;
        synchronized (this) {
            started = thread;
        }
        if (started != null) {
            started.join(5000);
        }
    }

    /** Whether every record published before start has been applied. */
    public boolean ready() {
        return ready;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, Object> c = createConsumer()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("event=follower_failed topic=%s retry=%s reason=\"%s\"", topic, RETRY, e.getMessage());
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private void follow(KafkaConsumer<String, Object> c) {
        List<PartitionInfo> found = c.partitionsFor(topic);
        if (found == null || found.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = found.stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = c.endOffsets(partitions);
        long applied = 0;
        while (running) {
            for (ConsumerRecord<String, Object> record : c.poll(POLL)) {
                if (record.key() != null) {
                    apply.accept(record.key(), record.value());
                    applied++;
                }
            }
            if (!ready && ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                ready = true;
                LOG.infof("event=follower_loaded topic=%s records=%d", topic, applied);
            }
        }
    }

    private KafkaConsumer<String, Object> createConsumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    /** Sleeps for {@link #RETRY}; false when interrupted, which ends the follower. */
    private static boolean pause() {
        try {
            Thread.sleep(RETRY.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
