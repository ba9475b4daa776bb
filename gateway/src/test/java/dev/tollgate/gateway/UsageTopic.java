package dev.tollgate.gateway;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads usage events back from the real broker, decoded through the real registry. */
public final class UsageTopic implements AutoCloseable {

    private final KafkaConsumer<String, Object> consumer;

    public UsageTopic(String bootstrapServers, String registryUrl) {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), values);
        consumer.subscribe(List.of(Topics.USAGE));
    }

    /** Polls until {@code count} events match or {@code timeout} passes; returns the matches found. */
    public List<UsageEvent> await(Predicate<UsageEvent> match, int count, Duration timeout) {
        List<UsageEvent> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (r.value() instanceof UsageEvent e && match.test(e)) {
                    found.add(e);
                }
            });
        }
        return found;
    }

    /**
     * The one usage event of {@code requestId}: waits up to 15 s for it, then 1 s more for a duplicate, and fails
     * unless there is exactly one.
     */
    public UsageEvent exactlyOne(String requestId) {
        List<UsageEvent> events = new ArrayList<>(await(e -> e.getRequestId().equals(requestId), 1,
                Duration.ofSeconds(15)));
        events.addAll(await(e -> e.getRequestId().equals(requestId), 1, Duration.ofSeconds(1)));
        org.assertj.core.api.Assertions.assertThat(events).as("usage events of request %s", requestId).hasSize(1);
        return events.get(0);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
