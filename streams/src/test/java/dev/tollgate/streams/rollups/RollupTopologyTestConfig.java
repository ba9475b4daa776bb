package dev.tollgate.streams.rollups;

import java.time.Duration;

/** {@link RollupConfig} with the documented defaults, for tests that build the topology without Quarkus. */
public final class RollupTopologyTestConfig {

    /** The defaults: 5 min / 1 h / 6 h grace. */
    public static final RollupConfig DEFAULTS = new RollupConfig() {
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

    private RollupTopologyTestConfig() {
    }
}
