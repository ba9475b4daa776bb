package dev.tollgate.streams.rollups;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.streams.sketch.LatencySketch;

/**
 * One rollup window as published on {@code tollgate.rollups.v1} and answered by {@code GET /v1/usage}: counts,
 * sums and percentiles read from the sketches. The JSON field names are a contract.
 *
 * @param object           always {@code usage.rollup}
 * @param granularity      {@code 1m}, {@code 1h} or {@code 1d}
 * @param key              the rollup key, see {@link RollupKey}
 * @param windowStart      inclusive window start, ISO-8601 UTC
 * @param windowEnd        exclusive window end, ISO-8601 UTC
 * @param requests         usage events counted
 * @param errors           of those, the failed ones
 * @param errorsByStatus   failed events per HTTP status
 * @param promptTokens     sum of prompt tokens
 * @param completionTokens sum of completion tokens
 * @param costMicros       sum of cost, integer micro-dollars
 * @param latencyMs        latency percentiles, milliseconds
 * @param ttftMs           time-to-first-token percentiles, milliseconds; absent when no event had one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RollupView(
        @JsonProperty("object") String object,
        @JsonProperty("granularity") String granularity,
        @JsonProperty("key") String key,
        @JsonProperty("window_start") String windowStart,
        @JsonProperty("window_end") String windowEnd,
        @JsonProperty("requests") long requests,
        @JsonProperty("errors") long errors,
        @JsonProperty("errors_by_status") Map<String, Long> errorsByStatus,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("cost_micros") long costMicros,
        @JsonProperty("latency_ms") Percentiles latencyMs,
        @JsonProperty("ttft_ms") Percentiles ttftMs) {

    /**
     * Percentiles of a sketch, each within the sketch's 1% relative accuracy.
     *
     * @param p50 median
     * @param p90 90th percentile
     * @param p95 95th percentile
     * @param p99 99th percentile
     * @param max the largest value recorded
     */
    public record Percentiles(
            @JsonProperty("p50") long p50,
            @JsonProperty("p90") long p90,
            @JsonProperty("p95") long p95,
            @JsonProperty("p99") long p99,
            @JsonProperty("max") long max) {

        static Percentiles of(LatencySketch sketch) {
            if (sketch == null) {
                return null;
            }
            long[] values = sketch.percentilesAndMax(50, 90, 95, 99);
            return new Percentiles(values[0], values[1], values[2], values[3], values[4]);
        }
    }

    /** The view of {@code rollup}, the window of {@code granularity} starting at {@code windowStartMs}. */
    public static RollupView of(Granularity granularity, String key, long windowStartMs, Rollup rollup) {
        return new RollupView("usage.rollup", granularity.label(), key, Instant.ofEpochMilli(windowStartMs).toString(),
                Instant.ofEpochMilli(windowStartMs + granularity.size().toMillis()).toString(), rollup.requests(),
                rollup.errors(), rollup.errorsByStatus(), rollup.promptTokens(), rollup.completionTokens(),
                rollup.costMicros(), Percentiles.of(rollup.latencySketch()), Percentiles.of(rollup.ttftSketch()));
    }
}
