package dev.tollgate.schemas;

import java.util.HashMap;
import java.util.Map;

/**
 * The Apicurio Registry serde configuration of the event contract, in one place. Producers register the
 * schema on first use (artifact id {@code <topic>-value}, the topic-id strategy); consumers read into the
 * generated specific classes.
 *
 * <p>The property names are those of the Apicurio 3.x serdes; they are spelled out here rather than imported
 * so that this module's API does not leak the serde's classes.
 */
public final class AvroSerdes {

    /** The serializer every producer of the contract uses. */
    public static final String SERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    /** The deserializer every consumer of the contract uses. */
    public static final String DESERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";

    static final String REGISTRY_URL = "apicurio.registry.url";
    static final String AUTO_REGISTER = "apicurio.registry.auto-register";
    static final String FIND_LATEST = "apicurio.registry.find-latest";
    static final String SPECIFIC_READER = "apicurio.registry.use-specific-avro-reader";
    static final String DATUM_PROVIDER = "apicurio.registry.avro-datum-provider";

    private AvroSerdes() {
    }

    /**
     * The Apicurio v3 API of a registry, given its base URL ({@code http://host:port}).
     */
    public static String registryApi(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base.endsWith("/apis/registry/v3") ? base : base + "/apis/registry/v3";
    }

    /** Serializer settings: register the writer schema on first use so a new version is checked by the registry. */
    public static Map<String, Object> serializerConfig(String registryUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put(REGISTRY_URL, registryApi(registryUrl));
        config.put(AUTO_REGISTER, true);
        config.put(FIND_LATEST, false);
        config.put(DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
        return config;
    }

    /** Deserializer settings: decode into the generated specific record classes. */
    public static Map<String, Object> deserializerConfig(String registryUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put(REGISTRY_URL, registryApi(registryUrl));
        config.put(SPECIFIC_READER, true);
        config.put(DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
        return config;
    }
}
