package dev.tollgate.streams.rollups;

import java.time.Duration;
import java.util.Map;

/**
 * What one org task counted for one endpoint in one minute since its last commit: the value of the endpoint
 * repartition topic ({@code tollgate-streams-rollups-endpoint-partials-repartition}), keyed by endpoint id.
 *
 * <p>Why partials rather than one record per event: the endpoint rollups cross orgs, so their input must be
 * repartitioned by endpoint id. Sending each event's sample made that topic as busy as the usage topic (a produce, a
 * fetch and a decode per event, in the transaction of every commit). A minute partial is exact for all three window
 * sizes, because every 1-hour and 1-day window is a whole number of minutes on the same epoch alignment; and
 * {@link Rollup#mergeAll} merges partials without losing anything, sketches included.
 *
 * <p>Lateness is judged in the org task that made the partial, against its own stream time, as for the org
 * windows, and the partial names the window sizes it still counts in ({@code onTime}). Why not in the endpoint task:
 * its stream time is the newest partial of any of the org tasks, which drift minutes apart while they work off a
 * backlog (each at its own pace), so the partials of a lagging org task were judged late against another task's
 * clock and dropped from the 1-minute windows: the scale-out benchmark found endpoint minute windows holding 18 to
 * 23 % of a backlog's requests.
 *
 * @param minuteStartMs start of the minute the partial's events completed in, epoch milliseconds
 * @param rollup        the partial aggregate of those events
 * @param onTime        the window sizes it counts in, a bit per {@link Granularity#ordinal()}
 */
public record RollupPartial(long minuteStartMs, Rollup rollup, int onTime) {

    /** Every window size. */
    public static final int ALL = (1 << Granularity.values().length) - 1;

    /** A partial that counts in every window size. */
    public RollupPartial(long minuteStartMs, Rollup rollup) {
        this(minuteStartMs, rollup, ALL);
    }

    /** Whether the partial counts in the windows of {@code granularity}. */
    public boolean countsIn(Granularity granularity) {
        return countsIn(onTime, granularity);
    }

    /** Whether the window sizes {@code openWindows} (bits as in {@code onTime}) include {@code granularity}. */
    static boolean countsIn(int openWindows, Granularity granularity) {
        return (openWindows & (1 << granularity.ordinal())) != 0;
    }

    /** The {@code onTime} bits of the window sizes that are still open for {@code timestampMs} at {@code streamTimeMs}. */
    static int openWindows(long timestampMs, long streamTimeMs, Map<Granularity, Duration> grace) {
        int open = 0;
        for (Granularity granularity : Granularity.values()) {
            if (granularity.isOpen(timestampMs, streamTimeMs, grace.get(granularity))) {
                open |= 1 << granularity.ordinal();
            }
        }
        return open;
    }
}
