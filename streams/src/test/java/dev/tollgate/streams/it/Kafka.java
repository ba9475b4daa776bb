package dev.tollgate.streams.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/** Real Kafka clients for the child-JVM ITs: the contract's Avro producer, group progress, committed reads. */
final class Kafka {

    static final String APPLICATION_ID = "tollgate-streams";

    private Kafka() {
    }

    /** A producer of contract records, with the serializer configuration every producer of the contract uses. */
    static KafkaProducer<String, SpecificRecord> producer(String bootstrap, String registry) {
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(registry), false);
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(),
                serializer);
    }

    /**
     * Waits until the app's consumer group has committed at least {@code atLeast} offsets of {@code topic} in
     * total, polling every 10 ms, and returns the total it saw.
     */
    static long awaitCommitted(KafkaBroker kafka, String topic, long atLeast, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long committed = 0;
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                committed = committed(admin, topic);
                if (committed >= atLeast) {
                    return committed;
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the app committed " + committed + " offsets of " + topic + ", not " + atLeast
                + ", within " + timeout);
    }

    private static long committed(Admin admin, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (ExecutionException | TimeoutException notYet) {
            return 0;
        }
    }

    /**
     * Every committed record of an Avro {@code topic} by key, in topic order, reading until {@code expected}
     * records arrived and then two more seconds without a new one (so that extra records would be seen too).
     */
    static <V> Map<String, List<V>> readCommitted(String bootstrap, String registry, String topic, int expected) {
        AvroKafkaDeserializer<V> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(registry), false);
        Map<String, List<V>> byKey = new HashMap<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                    read++;
                    quietUntil = read >= expected ? System.nanoTime() + TimeUnit.SECONDS.toNanos(2) : Long.MAX_VALUE;
                }
            }
        }
        return byKey;
    }
}
