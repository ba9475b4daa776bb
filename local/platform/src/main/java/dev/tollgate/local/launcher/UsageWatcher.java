package dev.tollgate.local.launcher;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Prints each usage event as it arrives on {@link Topics#USAGE}, read back from the real broker and decoded
 * through the real registry: the proof, on the launcher's console, that a request was billed.
 */
final class UsageWatcher implements AutoCloseable {

    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private final PrintStream out;

    UsageWatcher(String bootstrapServers, String registryUrl, PrintStream out) {
        this.out = out;
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "tollgate-local-usage-watcher",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values);
        this.thread = new Thread(this::run, "usage-watcher");
        this.thread.setDaemon(true);
    }

    UsageWatcher start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.USAGE));
            while (!Thread.currentThread().isInterrupted()) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.value() instanceof UsageEvent e) {
                        out.println(describe(r.partition(), r.offset(), e));
                    }
                });
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up
        } catch (RuntimeException e) {
            out.println("usage watcher stopped: " + e.getMessage());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    static String describe(int partition, long offset, UsageEvent e) {
        return String.format("usage  %s  org=%s key=%s model=%s status=%s http=%d tokens=%d+%d (%s) cost=%d µ$ "
                        + "latency=%dms event_id=%s [%s-%d@%d]", e.getCompletedAt(), e.getOrgId(), e.getKeyId(),
                e.getModel(), e.getStatus(), e.getHttpStatus(), e.getPromptTokens(), e.getCompletionTokens(),
                e.getUsageSource().name().toLowerCase(), e.getCostMicros(), e.getLatencyMs(), e.getEventId(),
                Topics.USAGE, partition, offset);
    }

    @Override
    public void close() {
        consumer.wakeup();
    }
}
