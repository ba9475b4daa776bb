package dev.tollgate.streams.serde;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * Makes the registry-backed Apicurio Avro serializers and deserializers for any record of the contract, configured
 * from the shared contract ({@link AvroSerdes}) plus this app's retry settings. Each call returns a new instance
 * that the caller owns and closes: processors make one per task, as a plain client makes one per consumer.
 */
@ApplicationScoped
public class RegistrySerdes {

    private final UsageEventDeserializers usage;
    private final RegistryConfig registry;

    @Inject
    public RegistrySerdes(UsageEventDeserializers usage, RegistryConfig registry) {
        this.usage = usage;
        this.registry = registry;
    }

    /** A new deserializer into the generated specific record classes. */
    public <T> Deserializer<T> deserializer() {
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(usage.config(), false);
        return deserializer;
    }

    /** A new serializer that registers the writer schema on first use (artifact {@code <topic>-value}). */
    public <T> Serializer<T> serializer() {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        Map<String, Object> config = AvroSerdes.serializerConfig(registry.url());
        config.put(UsageEventDeserializers.RETRY_COUNT, registry.retryCount());
        config.put(UsageEventDeserializers.RETRY_BACKOFF_MS, registry.retryBackoff().toMillis());
        serializer.configure(config, false);
        return serializer;
    }
}
