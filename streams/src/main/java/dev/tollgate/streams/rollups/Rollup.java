package dev.tollgate.streams.rollups;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregate of one rollup key in one window, as kept in the rollup window stores (binary, see
 * {@link RollupSerde}). Latency and time to first token are {@link LatencySketch}es, so windows can be merged
 * without losing percentiles.
 *
 * @param requests         usage events counted
 * @param errors           of those, the ones whose status is not {@code OK}
 * @param errorsByStatus   failed events per HTTP status the client received, e.g. {@code {"502": 3}}
 * @param promptTokens     sum of prompt tokens
 * @param completionTokens sum of completion tokens
 * @param costMicros       sum of cost, integer micro-dollars
 * @param latencySketch    latency sketch (milliseconds); never {@code null}
 * @param ttftSketch       time-to-first-token sketch (milliseconds) of the events that had one; {@code null} when
 *                         none had
 */
public record Rollup(
        long requests,
        long errors,
        Map<String, Long> errorsByStatus,
        long promptTokens,
        long completionTokens,
        long costMicros,
        LatencySketch latencySketch,
        LatencySketch ttftSketch) {

    /** Nothing counted yet. */
    public static Rollup empty() {
        return new Rollup(0, 0, Map.of(), 0, 0, 0, LatencySketch.empty(), null);
    }

    /** This rollup plus {@code sample}. */
    public Rollup add(RollupSample sample) {
        return addAll(List.of(sample));
    }

    /**
     * This rollup plus every sample of {@code samples}; this rollup is left unchanged (its sketches are copied,
     * which costs in proportion to their used buckets, not to their range).
     */
    public Rollup addAll(List<RollupSample> samples) {
        Map<String, Long> byStatus = errorsByStatus;
        LatencySketch latency = latencySketch == null ? LatencySketch.empty() : latencySketch.copy();
        LatencySketch firstToken = ttftSketch == null ? null : ttftSketch.copy();
        long requestCount = requests;
        long errorCount = errors;
        long prompt = promptTokens;
        long completion = completionTokens;
        long cost = costMicros;
        boolean byStatusCopied = false;
        for (RollupSample sample : samples) {
            requestCount++;
            if (sample.isError()) {
                errorCount++;
                if (!byStatusCopied) {
                    byStatus = new TreeMap<>(byStatus == null ? Map.of() : byStatus);
                    byStatusCopied = true;
                }
                byStatus.merge(Integer.toString(sample.httpStatus()), 1L, Long::sum);
            }
            prompt += sample.promptTokens();
            completion += sample.completionTokens();
            cost += sample.costMicros();
            latency.record(sample.latencyMs());
            if (sample.ttftMs() != null) {
                if (firstToken == null) {
                    firstToken = LatencySketch.empty();
                }
                firstToken.record(sample.ttftMs());
            }
        }
        return new Rollup(requestCount, errorCount, byStatus == null ? Map.of() : byStatus, prompt, completion, cost,
                latency, firstToken);
    }
    /**
     * This rollup plus every rollup of {@code partials} (for instance the per-commit partial aggregates of one
     * endpoint window); this rollup is left unchanged. Counts and sums add up, and sketches merge bucket by bucket, so
     * the result equals adding all the partials' samples one by one.
     */
    public Rollup mergeAll(List<Rollup> partials) {
        LatencySketch latency = latencySketch == null ? LatencySketch.empty() : latencySketch.copy();
        LatencySketch firstToken = ttftSketch == null ? null : ttftSketch.copy();
        Map<String, Long> byStatus = errorsByStatus == null ? Map.of() : errorsByStatus;
        long requestCount = requests;
        long errorCount = errors;
        long prompt = promptTokens;
        long completion = completionTokens;
        long cost = costMicros;
        for (Rollup partial : partials) {
            requestCount += partial.requests();
            errorCount += partial.errors();
            prompt += partial.promptTokens();
            completion += partial.completionTokens();
            cost += partial.costMicros();
            if (partial.errorsByStatus() != null && !partial.errorsByStatus().isEmpty()) {
                Map<String, Long> merged = new TreeMap<>(byStatus);
                partial.errorsByStatus().forEach((status, count) -> merged.merge(status, count, Long::sum));
                byStatus = merged;
            }
            if (partial.latencySketch() != null) {
                latency.mergeFrom(partial.latencySketch());
            }
            if (partial.ttftSketch() != null) {
                if (firstToken == null) {
                    firstToken = LatencySketch.empty();
                }
                firstToken.mergeFrom(partial.ttftSketch());
            }
        }
        return new Rollup(requestCount, errorCount, byStatus, prompt, completion, cost, latency, firstToken);
    }
}
