package dev.tollgate.streams.topology;

import org.apache.kafka.streams.kstream.KStream;

import dev.tollgate.events.v1.UsageEvent;

/**
 * What the intake hands every capability: the streams it reads from, already built once on the application's
 * builder. A record rather than a bare stream so that a capability fed by another topic adds a component here
 * without changing every capability's signature.
 *
 * @param usage the decoded, validated and deduplicated usage stream, keyed by org id
 *              ({@code intake.UsageIntake})
 */
public record Intake(KStream<String, UsageEvent> usage) {
}
