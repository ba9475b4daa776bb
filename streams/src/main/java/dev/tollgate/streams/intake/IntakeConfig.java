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
     * How far apart, in record time, two copies of one {@code event_id} may be and still be counted once. Copies
     * come from producer retries and gateway re-publishes, which are seconds to minutes apart; a copy arriving
     * later than this is counted again. The dedupe store keeps every event id for at least this long (and at most
     * about 1.5 times it), so its size is the event rate times this horizon. A producer (gateway process) whose
     * events stopped this long ago has its replay window deleted.
     */
    @WithDefault("PT24H")
    Duration dedupeHorizon();

    /**
     * How many of a producer's latest sequence numbers its anti-replay window remembers, per task (a multiple of 64).
     * A copy of a stamped event is recognised while its number is within this many of the highest number of its
     * producer seen in the task; an event older than that goes to the event-id dedupe. It counts all of a gateway's
     * usage events, whichever partition they went to: 4,096 is about 4 s of a gateway at 1,000 requests per second.
     * Each window is stored as {@code size / 8} bytes plus 21, written about once per producer and commit.
     */
    @WithDefault("4096")
    int replayWindow();
}
