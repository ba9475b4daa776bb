package dev.tollgate.streams.rollups;

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
 * @param minuteStartMs start of the minute the partial's events completed in, epoch milliseconds
 * @param rollup        the partial aggregate of those events
 */
public record RollupPartial(long minuteStartMs, Rollup rollup) {
}
