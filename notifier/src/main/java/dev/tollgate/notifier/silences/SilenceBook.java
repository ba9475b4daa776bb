package dev.tollgate.notifier.silences;

import dev.tollgate.control.v1.AlertSilence;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Every silence, in memory, followed from the compacted {@code tollgate.alert-silences.v1} like the receivers: read
 * from the beginning at start (ready once the end offsets noted then are reached), then followed; an older version of
 * a silence never replaces a newer one. The dispatcher asks it, at each round, which alerts are muted now
 * (docs/alerts.md#silences).
 */
@Singleton
public class SilenceBook {

    private static final Logger LOG = Logger.getLogger(SilenceBook.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Silence> silences = new ConcurrentHashMap<>();
    private final Map<String, Object> kafka;
    private final String registryUrl;
    private volatile boolean ready;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, Object> consumer;
    private Thread thread;

    @Inject
    SilenceBook(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.kafka = new HashMap<>(kafka);
        this.registryUrl = registry.url();
    }

    void start(@Observes StartupEvent ignored) {
        thread = new Thread(this::run, "tollgate-silence-follower");
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

    /** Whether every silence published before start is held: until then, nothing may be delivered. */
    public boolean ready() {
        return ready;
    }

    /** The ids of the silences that mute an alert with {@code labels} at {@code now}; empty when none does. */
    public List<String> muting(Map<String, String> labels, Instant now) {
        List<String> ids = new ArrayList<>();
        silences.values().forEach(s -> {
            if (s.mutes(labels, now)) {
                ids.add(s.id());
            }
        });
        return ids;
    }

    /** Applies one record of the topic; a tombstone removes the silence. */
    void apply(String id, Object value) {
        if (id == null) {
            return;
        }
        if (value == null) {
            silences.remove(id);
            return;
        }
        if (!(value instanceof AlertSilence record)) {
            LOG.warnf("event=silence_ignored silence=%s type=%s", id, value.getClass().getName());
            return;
        }
        Silence silence = Silence.of(record);
        silences.merge(id, silence, (held, next) -> next.version() >= held.version() ? next : held);
        LOG.infof("event=silence_applied silence=%s matchers=%d starts_at=%s ends_at=%s version=%d", id,
                silence.matchers().size(), silence.startsAt(), silence.endsAt(), silence.version());
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, Object> c = createConsumer()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("event=silence_follower_failed retry=%s reason=\"%s\"", RETRY, e.getMessage());
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void follow(KafkaConsumer<String, Object> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> found = c.partitionsFor(Topics.ALERT_SILENCES);
        if (found == null || found.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.ALERT_SILENCES + " does not exist");
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
                LOG.infof("event=silences_loaded silences=%d", silences.size());
            }
        }
    }

    private KafkaConsumer<String, Object> createConsumer() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tollgate-notifier-silences");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }
}
