package dev.tollgate.streams.serde;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Deserializer;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Makes the Apicurio Avro deserializers that decode {@code tollgate.usage.v1} values into {@link UsageEvent}, one per
 * stream task (a deserializer is used by one thread at a time, as in a plain consumer). Configured from the shared
 * contract ({@link AvroSerdes#deserializerConfig}) plus this app's retry settings.
 */
@ApplicationScoped
public class UsageEventDeserializers implements Supplier<Deserializer<UsageEvent>> {

    static final String RETRY_COUNT = "apicurio.registry.retry-count";
    static final String RETRY_BACKOFF_MS = "apicurio.registry.retry-backoff-ms";

    private final RegistryConfig registry;

    @Inject
    public UsageEventDeserializers(RegistryConfig registry) {
        this.registry = registry;
    }

    /** A new, configured value deserializer; the caller closes it. */
    @Override
    public Deserializer<UsageEvent> get() {
        AvroKafkaDeserializer<UsageEvent> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config(), false);
        return deserializer;
    }

    Map<String, Object> config() {
        Map<String, Object> config = AvroSerdes.deserializerConfig(registry.url());
        config.put(RETRY_COUNT, registry.retryCount());
        config.put(RETRY_BACKOFF_MS, registry.retryBackoff().toMillis());
        return config;
    }
}
