package dev.tollgate.gateway.events;

import dev.tollgate.schemas.AvroSerdes;
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

/** Reads events of any of the contract topics back from the real broker, decoded through the real registry. */
public final class EventTopics implements AutoCloseable {

    /**
     * One record as it landed.
     *
     * @param topic the topic
     * @param key   the partition key
     * @param value the decoded event
     */
    public record Received(String topic, String key, Object value) {
    }

    private final KafkaConsumer<String, Object> consumer;

    public EventTopics(String bootstrapServers, String registryUrl, List<String> topics) {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), values);
        consumer.subscribe(topics);
    }

    /** Polls until {@code count} records match or {@code timeout} passes; returns the matches found. */
    public List<Received> await(Predicate<Received> match, int count, Duration timeout) {
        List<Received> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                Received received = new Received(r.topic(), r.key(), r.value());
                if (match.test(received)) {
                    found.add(received);
                }
            });
        }
        return found;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
