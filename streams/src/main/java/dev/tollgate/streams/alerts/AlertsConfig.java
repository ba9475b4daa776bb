package dev.tollgate.streams.alerts;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the alerts capability (docs/alerts.md#configuration). */
@ConfigMapping(prefix = "tollgate.streams.alerts")
public interface AlertsConfig {

    /**
     * How often every rule is evaluated against every subject the instance owns, on wall-clock time: what makes a
     * pending alert fire, and a firing one resolve, when no data arrives. Data that arrives is evaluated at once.
     */
    @WithDefault("PT1S")
    Duration evaluationInterval();

    /** How long a resolved alert stays queryable in {@code GET /v1/alerts}. */
    @WithDefault("PT1H")
    Duration resolvedRetention();

    /**
     * How many minutes of usage each subject keeps: the longest rule window plus the longest spend-rate baseline
     * the admin API accepts (1 h + 2 h).
     */
    @WithDefault("PT3H")
    Duration seriesRetention();

    /** Settings as plain values, for the topology and its tests. */
    static Settings settings(AlertsConfig config) {
        return new Settings(config.evaluationInterval(), config.resolvedRetention(), config.seriesRetention());
    }

    /**
     * The settings the topology is built with.
     *
     * @param evaluationInterval wall-clock time between two evaluations
     * @param resolvedRetention  how long resolved alerts stay in the store
     * @param seriesRetention    how many minutes of usage are kept per subject
     */
    record Settings(Duration evaluationInterval, Duration resolvedRetention, Duration seriesRetention) {

        /** The defaults of {@link AlertsConfig}. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofHours(3));
        }
    }
}
