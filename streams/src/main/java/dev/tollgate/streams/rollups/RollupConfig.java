package dev.tollgate.streams.rollups;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the rollups capability: per window size, how late an event may be and still be counted (grace), and
 * how long windows stay queryable (retention). Grace is measured in stream time: an event is dropped once the
 * newest event seen by its task is more than the grace past the end of the event's window.
 */
@ConfigMapping(prefix = "tollgate.streams.rollups")
public interface RollupConfig {

    /**
     * The settings with their defaults, for code that builds the rollups without Quarkus: the topology tests and the
     * streams benchmark's rollups floor. One copy here, beside the {@code @WithDefault}s it restates, which
     * {@code RollupConfigTest} holds it to.
     */
    RollupConfig DEFAULTS = new RollupConfig() {
        @Override
        public Duration minuteGrace() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Duration hourGrace() {
            return Duration.ofHours(1);
        }

        @Override
        public Duration dayGrace() {
            return Duration.ofHours(6);
        }

        @Override
        public Duration minuteRetention() {
            return Duration.ofDays(2);
        }

        @Override
        public Duration hourRetention() {
            return Duration.ofDays(35);
        }

        @Override
        public Duration dayRetention() {
            return Duration.ofDays(400);
        }
    };

    /** Grace of 1-minute windows. */
    @WithDefault("PT5M")
    Duration minuteGrace();

    /** Grace of 1-hour windows. */
    @WithDefault("PT1H")
    Duration hourGrace();

    /** Grace of 1-day windows. */
    @WithDefault("PT6H")
    Duration dayGrace();

    /** How long 1-minute windows are kept in their stores (and so queryable). */
    @WithDefault("P2D")
    Duration minuteRetention();

    /** How long 1-hour windows are kept. */
    @WithDefault("P35D")
    Duration hourRetention();

    /** How long 1-day windows are kept. */
    @WithDefault("P400D")
    Duration dayRetention();

    /** The grace of {@code granularity}. */
    default Duration grace(Granularity granularity) {
        return switch (granularity) {
            case MINUTE -> minuteGrace();
            case HOUR -> hourGrace();
            case DAY -> dayGrace();
        };
    }

    /** The retention of {@code granularity}, at least its window size plus its grace as Kafka Streams requires. */
    default Duration retention(Granularity granularity) {
        Duration configured = switch (granularity) {
            case MINUTE -> minuteRetention();
            case HOUR -> hourRetention();
            case DAY -> dayRetention();
        };
        Duration minimum = granularity.size().plus(grace(granularity));
        return configured.compareTo(minimum) < 0 ? minimum : configured;
    }
}
