package dev.tollgate.streams.usage;

import org.apache.kafka.common.serialization.Serde;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;

/**
 * The serde of {@link OrgUsageTotals} in the totals store and its changelog: JSON with its own, explicitly
 * configured mapper, so the stored format does not change with the app's HTTP JSON settings. Unknown fields are
 * ignored so that an older instance can still read totals written by a newer one during a rolling upgrade.
 */
public final class OrgUsageTotalsSerde {

    private OrgUsageTotalsSerde() {
    }

    /** A new serde instance. */
    public static Serde<OrgUsageTotals> create() {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        return new ObjectMapperSerde<>(OrgUsageTotals.class, mapper);
    }
}
