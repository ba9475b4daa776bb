package dev.tollgate.gateway.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the web console's server side (docs/console.md): where the streams query API is, and how the live
 * feed reads {@code tollgate.usage.v1}. Validated at start.
 */
@ConfigMapping(prefix = "tollgate.console")
public interface ConsoleConfig {

    /**
     * Base URL of the streams app's query API as this replica reaches it, e.g. {@code http://tollgate-streams:8082}.
     * The console's spend, usage and health charts go through the gateway to it, so the browser needs only the
     * gateway's origin and token. Unset: those charts answer 503 {@code streams_unavailable}; the rest works.
     */
    Optional<String> streamsUrl();

    /** Time a query to the streams app may take before the console answers 503. */
    @WithDefault("5s")
    Duration streamsTimeout();

    /** The live feed of requests. */
    Feed feed();

    interface Feed {
        /** Whether {@code /admin/v1/console/live} serves the feed at all. */
        @WithDefault("true")
        boolean enabled();

        /** Recent requests a newly opened console is shown before the live ones. */
        @WithDefault("200")
        int recent();

        /** Records read back from the end of each partition when the feed starts, to fill the recent list. */
        @WithDefault("20")
        int backfillPerPartition();

        /** How long the feed's consumer keeps running after the last console closed. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** How often each console is sent what arrived since (a batch), which bounds the messages per second. */
        @WithDefault("250ms")
        Duration batchInterval();

        /** Requests held per console between two batches; beyond it they are dropped and counted. */
        @WithDefault("1000")
        int maxPending();
    }
}
