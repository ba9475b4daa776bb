package dev.tollgate.gateway.events;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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

    /** The local journal that keeps events through a crash of the gateway (docs/events.md, decision 0017). */
    Journaling journal();

    /** The local journal's settings. */
    interface Journaling {

        /**
         * Whether events are journaled. Off, an event lives only in memory until Kafka acknowledges it, and a crash
         * of the process loses what was waiting.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The journal's directory, one per gateway process. It must outlive the process (a volume that survives a
         * container restart in Kubernetes); a relative path resolves against the working directory.
         */
        @WithDefault("journal")
        String dir();

        /** The size of one segment file; a segment is deleted once Kafka acknowledged every event in it. */
        @WithDefault("16M")
        MemorySize segmentSize();

        /**
         * The most the journal holds on disk. When full, new requests are refused under {@code fail-closed}, as when
         * the event buffer is full; events that still come are kept in memory only and counted in
         * {@code tollgate.events.journal.unjournaled}.
         */
        @WithDefault("256M")
        MemorySize maxSize();

        /**
         * How often the journal is forced to disk ({@code fsync}); {@code 0s} (the default) never. Without it, a
         * journaled event survives the death of the process but not a kernel crash or a power loss before the
         * kernel wrote its page back (within about 30 s on Linux defaults); with it, at most this interval is lost
         * that way. The force runs on its own thread: requests never wait for it.
         */
        @WithDefault("0s")
        Duration fsyncInterval();

        /**
         * Which events are journaled. {@code usage} (the default): only the usage events, which bill and charge
         * budgets; request, trace and endpoint-signal events (analytics, eval inputs, traces) live in memory until
         * Kafka has them, as with the journal off, and a crash loses those waiting. {@code all}: those too, at about
         * 20 µs more CPU per request on the publisher thread (docs/events.md, docs/benchmarks.md).
         */
        @WithDefault("usage")
        Scope scope();
    }

    /** Which events the journal keeps. */
    enum Scope {
        /** Usage events only. */
        USAGE,
        /** Usage, request and trace events. */
        ALL
    }

    /** The policy for requests that arrive while the event buffer is full. */
    enum WhenFull {
        /** Refuse them: billing safety first. */
        FAIL_CLOSED,
        /** Serve them and lose their events: availability first. */
        FAIL_OPEN
    }
}
