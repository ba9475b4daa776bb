package dev.tollgate.streams.rollups;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tollgate.streams.sketch.LatencySketch;

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
        Sum sum = new Sum(this);
        samples.forEach(sum::add);
        return sum.rollup();
    }

    /**
     * This rollup plus every rollup of {@code partials} (for instance the per-commit partial aggregates of one
     * endpoint window); this rollup is left unchanged. Counts and sums add up, and sketches merge bucket by bucket, so
     * the result equals adding all the partials' samples one by one.
     */
    public Rollup mergeAll(List<Rollup> partials) {
        Sum sum = new Sum(this);
        partials.forEach(sum::merge);
        return sum.rollup();
    }

    /**
     * A rollup being added to: a copy of one, so that rollups themselves never change. The rollups keep one per
     * rollup key and minute between commits ({@link KeyMinutes}), so that an event is added once, not once per
     * window.
     */
    static final class Sum {
        private long requests;
        private long errors;
        private Map<String, Long> errorsByStatus;
        private boolean errorsByStatusCopied;
        private long promptTokens;
        private long completionTokens;
        private long costMicros;
        private final LatencySketch latency;
        private LatencySketch ttft;

        /** Nothing counted yet. */
        Sum() {
            this(empty());
        }

        /** {@code start}, copied. */
        Sum(Rollup start) {
            requests = start.requests();
            errors = start.errors();
            errorsByStatus = start.errorsByStatus() == null ? Map.of() : start.errorsByStatus();
            promptTokens = start.promptTokens();
            completionTokens = start.completionTokens();
            costMicros = start.costMicros();
            latency = start.latencySketch() == null ? LatencySketch.empty() : start.latencySketch().copy();
            ttft = start.ttftSketch() == null ? null : start.ttftSketch().copy();
        }

        void add(RollupSample sample) {
            requests++;
            if (sample.isError()) {
                errors++;
                countErrors(Integer.toString(sample.httpStatus()), 1);
            }
            promptTokens += sample.promptTokens();
            completionTokens += sample.completionTokens();
            costMicros += sample.costMicros();
            latency.record(sample.latencyMs());
            if (sample.ttftMs() != null) {
                ttft().record(sample.ttftMs());
            }
        }

        void merge(Rollup partial) {
            requests += partial.requests();
            errors += partial.errors();
            if (partial.errorsByStatus() != null) {
                partial.errorsByStatus().forEach(this::countErrors);
            }
            promptTokens += partial.promptTokens();
            completionTokens += partial.completionTokens();
            costMicros += partial.costMicros();
            if (partial.latencySketch() != null) {
                latency.mergeFrom(partial.latencySketch());
            }
            if (partial.ttftSketch() != null) {
                ttft().mergeFrom(partial.ttftSketch());
            }
        }

        /** The map is copied on the first error, because the starting rollup's map is shared with it. */
        private void countErrors(String status, long count) {
            if (!errorsByStatusCopied) {
                errorsByStatus = new TreeMap<>(errorsByStatus);
                errorsByStatusCopied = true;
            }
            errorsByStatus.merge(status, count, Long::sum);
        }

        private LatencySketch ttft() {
            if (ttft == null) {
                ttft = LatencySketch.empty();
            }
            return ttft;
        }

        /** What was counted; the rollup shares this sum's sketches, so the sum must not be added to afterwards. */
        Rollup rollup() {
            return new Rollup(requests, errors, errorsByStatus, promptTokens, completionTokens, costMicros, latency,
                    ttft);
        }
    }
}
