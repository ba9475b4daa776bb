package dev.tollgate.streams.rollups;

import java.util.List;
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
        return addAll(List.of(sample)).rollup();
    }

    /**
     * This rollup plus every sample of {@code samples}, decoding and encoding each sketch once however many
     * samples there are (see {@link RollupAggregator} for why that matters).
     */
    public Updated addAll(List<RollupSample> samples) {
        Map<String, Long> byStatus = new TreeMap<>(errorsByStatus == null ? Map.of() : errorsByStatus);
        Histogram latency = LatencySketch.decode(latencySketch);
        Histogram firstToken = ttftSketch == null ? null : LatencySketch.decode(ttftSketch);
        long requestCount = requests;
        long errorCount = errors;
        long prompt = promptTokens;
        long completion = completionTokens;
        long cost = costMicros;
        for (RollupSample sample : samples) {
            requestCount++;
            if (sample.isError()) {
                errorCount++;
                byStatus.merge(Integer.toString(sample.httpStatus()), 1L, Long::sum);
            }
            prompt += sample.promptTokens();
            completion += sample.completionTokens();
            cost += sample.costMicros();
            LatencySketch.record(latency, sample.latencyMs());
            if (sample.ttftMs() != null) {
                if (firstToken == null) {
                    firstToken = LatencySketch.empty();
                }
                LatencySketch.record(firstToken, sample.ttftMs());
            }
        }
        Rollup next = new Rollup(requestCount, errorCount, byStatus, prompt, completion, cost,
                LatencySketch.encode(latency), firstToken == null ? null : LatencySketch.encode(firstToken));
        return new Updated(next, latency, firstToken);
    }

    /**
     * A rollup just updated, with its sketches still decoded, so that publishing it needs no second decode.
     *
     * @param rollup  the new stored value
     * @param latency its latency sketch
     * @param ttft    its time-to-first-token sketch; {@code null} when no event had one
     */
    public record Updated(Rollup rollup, Histogram latency, Histogram ttft) {
    }
}
