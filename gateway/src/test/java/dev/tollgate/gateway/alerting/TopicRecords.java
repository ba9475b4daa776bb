package dev.tollgate.gateway.alerting;

import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads records of contract topics back from the real broker, decoded through the real registry; tombstones too. */
public final class TopicRecords implements AutoCloseable {

    private final KafkaConsumer<String, Object> consumer;

    public TopicRecords(String bootstrapServers, String registryUrl, List<String> topics) {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), values);
        consumer.subscribe(topics);
    }

    /** The first record that matches within {@code timeout}, or null. */
    public ConsumerRecord<String, Object> await(Predicate<ConsumerRecord<String, Object>> match, Duration timeout) {
        List<ConsumerRecord<String, Object>> found = awaitAll(match, 1, timeout);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Polls until {@code count} records match or {@code timeout} passes; returns the matches found. */
    public List<ConsumerRecord<String, Object>> awaitAll(Predicate<ConsumerRecord<String, Object>> match, int count,
                                                         Duration timeout) {
        List<ConsumerRecord<String, Object>> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (match.test(r)) {
                    found.add(r);
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
