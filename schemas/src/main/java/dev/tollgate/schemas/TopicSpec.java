package dev.tollgate.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A topic as Tollgate deploys it: its name, its partition count and the configs that make it behave as the
 * contract says. Creating a topic from this spec (locally, in tests, in the Helm chart) keeps every environment
 * identical, so a retention or compaction setting is never a per-environment accident.
 *
 * @param name        the topic name, versioned with a {@code .vN} suffix
 * @param partitions  partition count; events are keyed by org id, so this bounds per-org parallelism
 * @param compacted   whether the topic is a changelog (latest value per key) rather than an event log
 * @param retention   how long an event log keeps data; ignored for compacted topics
 * @param description what the topic carries, for docs and the topic's own metadata
 */
public record TopicSpec(String name, int partitions, boolean compacted, Duration retention, String description) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9.-]*\\.v[0-9]+")) {
            throw new IllegalArgumentException("topic name must be lowercase and end in .vN: " + name);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + name);
        }
        Objects.requireNonNull(retention, "retention");
    }

    /** The broker-side configs of this topic: cleanup policy and retention. */
    public Map<String, String> configs() {
        return compacted
                ? Map.of("cleanup.policy", "compact", "min.insync.replicas", "1")
                : Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()),
                        "min.insync.replicas", "1");
    }
}
