package dev.tollgate.streams.alerts;

import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import dev.tollgate.events.v1.AlertTransition;

/**
 * The registry-backed Avro serdes the alerts sub-topology makes per task (production: the registry over HTTP; unit
 * tests: an in-memory registry).
 *
 * @param deserializer decodes any record of the contract into its specific class: rules, health reports, load
 *                     samples, threshold events
 * @param transitions  encodes {@code tollgate.alerts.v1} values
 */
public record AlertSerdes(Supplier<Deserializer<Object>> deserializer,
                          Supplier<Serializer<AlertTransition>> transitions) {
}
