package dev.tollgate.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one event loop measured. Not thread-safe on purpose: each worker owns one and only its event loop writes it;
 * the coordinator merges them after the run.
 *
 * <p>Latencies are microseconds with three significant digits up to ten minutes; longer values are clamped. Only
 * successful (2xx) exchanges enter the histograms; failures are counted by kind.
 */
final class Recorder {

    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    final Histogram sinceSend = new Histogram(HIGHEST_MICROS, 3);
    final Histogram firstByte = new Histogram(HIGHEST_MICROS, 3);
    final Map<String, Long> errors = new TreeMap<>();
    long ok;
    long bytes;
    long skipped;
    long unfinished;

    /**
     * Counts a 2xx exchange.
     *
     * @param latencyNanos from the intended send time to the last byte
     * @param sinceSendNanos from the actual send call to the last byte
     * @param firstByteNanos from the intended send time to the first body byte, or -1 when not measured
     * @param bodyBytes bytes of body received
     */
    void success(long latencyNanos, long sinceSendNanos, long firstByteNanos, long bodyBytes) {
        ok++;
        bytes += bodyBytes;
        latency.recordValue(micros(latencyNanos));
        sinceSend.recordValue(micros(sinceSendNanos));
        if (firstByteNanos >= 0) {
            firstByte.recordValue(micros(firstByteNanos));
        }
    }

    void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    void merge(Recorder other) {
        latency.add(other.latency);
        sinceSend.add(other.sinceSend);
        firstByte.add(other.firstByte);
        other.errors.forEach((kind, count) -> errors.merge(kind, count, Long::sum));
        ok += other.ok;
        bytes += other.bytes;
        skipped += other.skipped;
        unfinished += other.unfinished;
    }

    private static long micros(long nanos) {
        return Math.max(0, Math.min(HIGHEST_MICROS, nanos / 1_000));
    }
}
