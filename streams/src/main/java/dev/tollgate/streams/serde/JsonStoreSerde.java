package dev.tollgate.streams.serde;

import org.apache.kafka.common.serialization.Serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;

/**
 * The serde of a record kept in a state store and its changelog: JSON with its own, explicitly configured mapper,
 * so the stored format does not change with the app's HTTP JSON settings. Unknown fields are ignored so that an
 * older instance can still read values written by a newer one during a rolling upgrade.
 */
public final class JsonStoreSerde {

    private JsonStoreSerde() {
    }

    /** A new serde of {@code type}, whose JSON field names are fixed by its {@code @JsonProperty} annotations. */
    public static <T> Serde<T> create(Class<T> type) {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        return new ObjectMapperSerde<>(type, mapper);
    }
}
