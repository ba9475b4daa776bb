package dev.tollgate.gateway.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Event publishing to Kafka. */
@ConfigMapping(prefix = "tollgate.events")
public interface EventsConfig {

    /** Events waiting to be handed to the Kafka producer; the bound of what a Kafka outage can buffer. */
    @WithDefault("100000")
    int bufferCapacity();

    /**
     * What to do with new requests while the buffer is full: {@code fail-closed} refuses them with 503
     * {@code events_unavailable} before any upstream call, so no billed work goes unrecorded;
     * {@code fail-open} serves them and loses their events. See docs/events.md.
     */
    @WithDefault("fail-closed")
    WhenFull whenFull();

    /** Readiness goes DOWN while the backlog is above this fraction of the buffer capacity. */
    @WithDefault("0.8")
    double readinessHighWater();

    /** Org ids whose prompt and completion text is captured in request events; no org by default. */
    Optional<List<String>> captureContentOrgs();

    /**
     * The producer's batch compression: {@code none}, {@code lz4}, {@code snappy}, {@code zstd} or
     * {@code gzip}. None by default: the events are small, and compressing them cost the gateway more CPU per
     * request than anything else it does for events (the LZ4 here is the pure-Java codec), and the broker as
     * much again to check each batch. Where storage or bandwidth matter more than CPU, choose {@code zstd}, or
     * set the topics' own {@code compression.type}. See docs/events.md.
     */
    @WithDefault("none")
    String compression();

    /** The policy for requests that arrive while the event buffer is full. */
    enum WhenFull {
        /** Refuse them: billing safety first. */
        FAIL_CLOSED,
        /** Serve them and lose their events: availability first. */
        FAIL_OPEN
    }
}
