package dev.tollgate.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The notifier's settings (docs/alerts.md#configuration); validated at start. */
@ConfigMapping(prefix = "tollgate.notifier")
public interface NotifierConfig {

    /** The consumer group that reads {@code tollgate.alerts.v1}; its committed offsets are the notifier's progress. */
    @WithDefault("tollgate-notifier")
    String groupId();

    /** Sent as {@code externalURL} in webhook payloads and linked from Slack messages: where people look next. */
    @WithDefault("http://localhost:8084")
    String externalUrl();

    /**
     * The streams app's query API as people reach it ({@code http://streams:8082}); each alert's
     * {@code generatorURL} is its {@code GET /v1/alerts?rule=} there. Unset, {@code generatorURL} is empty.
     */
    Optional<String> generatorUrl();

    /** How often grouping, repetition and retries are looked at. */
    @WithDefault("1s")
    Duration dispatchInterval();

    /** How long one POST to a receiver may take, connecting included. */
    @WithDefault("10s")
    Duration httpTimeout();

    /** Retries of a notification that failed. */
    Retry retry();

    /** How long delivered and failed notifications, and the transitions they carried, are kept. */
    @WithDefault("7d")
    Duration retention();

    interface Retry {
        /** The wait after the first failed attempt; doubled after each further one. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** The longest wait between two attempts. */
        @WithDefault("5m")
        Duration maxBackoff();

        /**
         * Attempts before a notification is recorded as failed (counted, listed by {@code GET /v1/deliveries?
         * status=failed}, and retried only by hand). With the defaults, about 24 minutes of retries.
         */
        @WithDefault("10")
        int maxAttempts();
    }
}
