package dev.tollgate.streams.intake;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the usage intake, which every capability shares. The prefix is {@code tollgate.streams.usage}, as
 * it was before the intake had a package of its own: configuration keys are a contract with deployments.
 */
@ConfigMapping(prefix = "tollgate.streams.usage")
public interface IntakeConfig {

    /**
     * How far apart, in record time, two copies of one usage event may be and still be counted once. Copies come
     * from producer retries and gateway re-publishes, which are seconds to minutes apart; a copy arriving later than
     * this is counted again. Stamped events (producer id and sequence number) are remembered as one bit per number,
     * in blocks of 1,024 numbers per producer and task, each block for at least this long after its latest event;
     * unstamped ones by event id, for at least this long (and at most about 1.5 times it). So the id store's size is
     * the unstamped event rate times this horizon, and the block store's about one bit per stamped event.
     */
    @WithDefault("PT24H")
    Duration dedupeHorizon();
}
