package dev.tollgate.evals.worker.kafka;

import dev.tollgate.evals.worker.RegistryConfig;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Makes the worker's Kafka clients from the broker settings and the shared Avro contract, so every loop gets the
 * same guarantees: consumers read committed records and commit by hand after their work is done (at least once;
 * scores are idempotent by score id), producers are idempotent with {@code acks=all}.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> kafka;
    private final String registryUrl;

    @Inject
    KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka, RegistryConfig registry) {
        this.kafka = Map.copyOf(kafka);
        this.registryUrl = registry.url();
    }

    /**
     * A consumer of raw values (decoded by the caller, so an undecodable record can be dead-lettered) in
     * {@code group}, or without a group when {@code group} is null.
     *
     * @param maxPollRecords  records per poll at most
     * @param maxPollInterval time allowed between polls: the longest the work on one poll may take
     */
    public KafkaConsumer<String, byte[]> rawConsumer(String clientId, String group, int maxPollRecords,
                                                    long maxPollInterval) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A deserializer of the contract's records; the caller closes it. */
    public <T> AvroKafkaDeserializer<T> deserializer() {
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        return deserializer;
    }

    /** An idempotent producer of the contract's records. */
    public KafkaProducer<String, SpecificRecord> producer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(registryUrl), false);
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }

    /** A producer of raw bytes, for dead letters (the original value, unchanged). */
    public KafkaProducer<String, byte[]> rawProducer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }
}
