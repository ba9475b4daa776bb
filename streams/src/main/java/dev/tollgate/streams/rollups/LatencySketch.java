package dev.tollgate.streams.rollups;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.HdrHistogram.Histogram;

/**
 * A mergeable latency distribution in milliseconds, stored as an encoded HdrHistogram.
 *
 * <p>Why HdrHistogram: it is mergeable (a 1-hour window's sketch is the sum of its minutes'), its error is bounded
 * and relative, and it is already managed by the Quarkus BOM (DDSketch is not in the pinned set). With two
 * significant digits a reported percentile is within 1% of the true value of a recorded sample at that rank, and a
 * sketch of a realistic latency spread compresses to a few hundred bytes. Values are clamped to 1 ms .. 1 hour.
 */
public final class LatencySketch {

    /** The largest latency tracked; longer requests are recorded as this. */
    public static final long MAX_MS = 3_600_000L;
    /** Significant decimal digits kept: 2 gives a relative error of at most 1%. */
    public static final int PRECISION_DIGITS = 2;

    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(0));

    private LatencySketch() {
    }

    /** An empty sketch. */
    public static Histogram empty() {
        return new Histogram(1, MAX_MS, PRECISION_DIGITS);
    }

    /** Records {@code valueMs} (clamped to 1 ms .. {@link #MAX_MS}) into {@code sketch}. */
    public static void record(Histogram sketch, long valueMs) {
        sketch.recordValue(Math.max(1, Math.min(MAX_MS, valueMs)));
    }

    /**
     * The bytes of {@code sketch}: HdrHistogram's V2 encoding, whose counts are zero-run-length and LEB128 encoded,
     * so a sketch is about as small as the number of distinct latency buckets it has seen. Not deflated: deflating
     * on every store update costs far more CPU than the bytes it saves.
     */
    public static byte[] encode(Histogram sketch) {
        // The capacity HdrHistogram asks for is that of a full counts array (about 18 KB) while a real sketch
        // encodes to a few hundred bytes: reuse one scratch buffer per thread instead of allocating that each time.
        int needed = sketch.getNeededByteBufferCapacity();
        ByteBuffer buffer = SCRATCH.get();
        if (buffer.capacity() < needed) {
            buffer = ByteBuffer.allocate(needed);
            SCRATCH.set(buffer);
        }
        buffer.clear();
        int length = sketch.encodeIntoByteBuffer(buffer);
        return Arrays.copyOf(buffer.array(), length);
    }

    /** The sketch encoded in {@code bytes}; an empty sketch for {@code null} or no bytes. */
    public static Histogram decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return empty();
        }
        return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 1);
    }
}
