package dev.tollgate.streams.rollups;

import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The aggregate of one rollup key in one window, as kept in the rollup window stores (JSON; field names are a
 * storage contract: add, never rename). Latency and time to first token are {@link LatencySketch}es, so windows
 * can be merged without losing percentiles.
 *
 * @param requests         usage events counted
 * @param errors           of those, the ones whose status is not {@code OK}
 * @param errorsByStatus   failed events per HTTP status the client received, e.g. {@code {"502": 3}}
 * @param promptTokens     sum of prompt tokens
 * @param completionTokens sum of completion tokens
 * @param costMicros       sum of cost, integer micro-dollars
 * @param latencySketch    encoded latency sketch (milliseconds)
 * @param ttftSketch       encoded time-to-first-token sketch (milliseconds), of the events that had one
 */
public record Rollup(
        @JsonProperty("requests") long requests,
        @JsonProperty("errors") long errors,
        @JsonProperty("errors_by_status") Map<String, Long> errorsByStatus,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("cost_micros") long costMicros,
        @JsonProperty("latency_sketch") byte[] latencySketch,
        @JsonProperty("ttft_sketch") byte[] ttftSketch) {

    /** Nothing counted yet. */
    public static Rollup empty() {
        return new Rollup(0, 0, Map.of(), 0, 0, 0, null, null);
    }

    /** This rollup plus {@code sample}. */
    public Rollup add(RollupSample sample) {
        Map<String, Long> byStatus = new TreeMap<>(errorsByStatus == null ? Map.of() : errorsByStatus);
        if (sample.isError()) {
            byStatus.merge(Integer.toString(sample.httpStatus()), 1L, Long::sum);
        }
        Histogram latency = LatencySketch.decode(latencySketch);
        LatencySketch.record(latency, sample.latencyMs());
        byte[] ttft = ttftSketch;
        if (sample.ttftMs() != null) {
            Histogram firstToken = LatencySketch.decode(ttftSketch);
            LatencySketch.record(firstToken, sample.ttftMs());
            ttft = LatencySketch.encode(firstToken);
        }
        return new Rollup(requests + 1, errors + (sample.isError() ? 1 : 0), byStatus,
                promptTokens + sample.promptTokens(), completionTokens + sample.completionTokens(),
                costMicros + sample.costMicros(), LatencySketch.encode(latency), ttft);
    }
}
