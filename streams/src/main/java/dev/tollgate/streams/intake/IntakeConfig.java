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
     * How many of a producer's latest sequence numbers its anti-replay window remembers, per task (a multiple of 64,
     * at most 2^20). A copy of a stamped event is recognised while its number is within this many of the highest
     * number of its producer seen in the task; an event older than that goes to the event-id dedupe, and a copy that
     * late of an event the window accepted is counted again. It counts all of a gateway's usage events, whichever
     * partition they went to. The default, 131,072 (2^17), is more than a gateway's whole event buffer
     * ({@code tollgate.events.buffer-capacity}, 100,000 events), so a copy re-published after an outage of the whole
     * cluster is within it; after an outage of some partitions only, while the others take the gateway's newer
     * numbers, it covers about 131 s of a gateway at 1,000 usage events per second (13 s at 10,000).
     *
     * <p>The cost: each window is {@code size / 8 + 21} bytes (16,405 by default), held in memory per producer and
     * task, and written whole to the store and its changelog once per commit in which it changed: with the 100 ms
     * commit interval, a busy gateway changes its window in every task at every commit, 10 records per second per
     * task (about 1 MB/s of changelog per gateway over six partitions by default; 7.9 MB/s at 2^20). See
     * docs/streams.md, "The anti-replay window of a producer".
     */
    @WithDefault("131072")
    int replayWindow();
}
