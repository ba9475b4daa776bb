package dev.tollgate.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of a finished run.
 *
 * @param spec what was run
 * @param measuredSeconds length of the measured window (the warm-up excluded)
 * @param ok 2xx exchanges whose request was due inside the window
 * @param errors failed exchanges by kind ({@code status 503}, {@code timeout}, {@code connection closed}, ...)
 * @param skipped open loop only: due requests not sent because {@code maxInFlight} were outstanding
 * @param unfinished requests still outstanding when the run was cut off
 * @param bytes body bytes received by the 2xx exchanges
 * @param latency from the intended send time to the last byte (in closed loop, the send time)
 * @param sinceSend from the moment the request was handed to the client to the last byte
 * @param firstByte streaming only: from the intended send time to the first body byte, or null
 */
public record LoadResult(
        LoadSpec spec,
        double measuredSeconds,
        long ok,
        Map<String, Long> errors,
        long skipped,
        long unfinished,
        long bytes,
        Percentiles latency,
        Percentiles sinceSend,
        Percentiles firstByte) {

    public LoadResult {
        errors = Map.copyOf(errors);
    }

    /** Successful requests per second of the measured window. */
    public double throughput() {
        return measuredSeconds <= 0 ? 0 : ok / measuredSeconds;
    }

    public long errorCount() {
        long sum = 0;
        for (long count : errors.values()) {
            sum += count;
        }
        return sum;
    }

    /**
     * Latency percentiles in milliseconds.
     *
     * @param count values recorded
     * @param mean arithmetic mean
     * @param p50 median
     * @param p90 90th percentile
     * @param p99 99th percentile
     * @param p999 99.9th percentile
     * @param max largest value
     */
    public record Percentiles(long count, double mean, double p50, double p90, double p99, double p999, double max) {

        static Percentiles of(Histogram micros) {
            return new Percentiles(micros.getTotalCount(), micros.getMean() / 1000.0,
                    micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(90) / 1000.0,
                    micros.getValueAtPercentile(99) / 1000.0, micros.getValueAtPercentile(99.9) / 1000.0,
                    micros.getMaxValue() / 1000.0);
        }
    }
}
