package dev.tollgate.streams.serde;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/** The real Apicurio serdes of the contract, configured as production does, over a given registry facade. */
public final class TestSerdes {

    /** The serdes insist on a URL even when a facade replaces the HTTP client; nothing listens here. */
    public static final String UNUSED_REGISTRY_URL = "http://127.0.0.1:1";

    private TestSerdes() {
    }

    public static Serializer<UsageEvent> serializer(RegistryClientFacade registry) {
        AvroKafkaSerializer<UsageEvent> serializer = new AvroKafkaSerializer<>(registry);
        serializer.configure(AvroSerdes.serializerConfig(UNUSED_REGISTRY_URL), false);
        return serializer;
    }

    public static Deserializer<UsageEvent> deserializer(RegistryClientFacade registry) {
        AvroKafkaDeserializer<UsageEvent> deserializer = new AvroKafkaDeserializer<>(registry);
        deserializer.configure(AvroSerdes.deserializerConfig(UNUSED_REGISTRY_URL), false);
        return deserializer;
    }

    /** A serializer of any record of the contract, over {@code registry}. */
    public static <T> Serializer<T> anySerializer(RegistryClientFacade registry) {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>(registry);
        serializer.configure(AvroSerdes.serializerConfig(UNUSED_REGISTRY_URL), false);
        return serializer;
    }

    /** A deserializer of any record of the contract, over {@code registry}. */
    public static <T> Deserializer<T> anyDeserializer(RegistryClientFacade registry) {
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>(registry);
        deserializer.configure(AvroSerdes.deserializerConfig(UNUSED_REGISTRY_URL), false);
        return deserializer;
    }

    /** A deserializer that talks HTTP to {@code url}, retrying as configured. */
    public static Deserializer<UsageEvent> httpDeserializer(String url, int retryCount) {
        AvroKafkaDeserializer<UsageEvent> deserializer = new AvroKafkaDeserializer<>();
        Map<String, Object> config = AvroSerdes.deserializerConfig(url);
        config.put("apicurio.registry.retry-count", retryCount);
        config.put("apicurio.registry.retry-backoff-ms", 10);
        deserializer.configure(config, false);
        return deserializer;
    }
}
