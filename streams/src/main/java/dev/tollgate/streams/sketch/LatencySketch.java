package dev.tollgate.streams.sketch;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A mergeable latency distribution in milliseconds: the buckets of an HdrHistogram with two significant digits
 * (1 ms .. 1 hour), kept sparse, i.e. only the buckets that counted something.
 *
 * <p>Why HdrHistogram's buckets: they are mergeable (a 1-hour window's sketch is the sum of its minutes'), their
 * error is bounded and relative, and percentiles read from them are the ones the app reported before this class
 * stopped holding an {@link Histogram}. With two significant digits a reported percentile is within 1% of the true
 * value of a recorded sample at that rank. Values are clamped to 1 ms .. 1 hour.
 *
 * <p>Why sparse and not an {@link Histogram}: a {@code Histogram} of this range holds a dense array of 2,048
 * counts (16 KB) however few buckets are used, and the rollups decode, update and encode one or two sketches per
 * changed window and commit, thousands of times a second. A real window has tens to a few hundred used buckets;
 * keeping just those makes a decode, an update and an encode proportional to them.
 *
 * <p>Not thread-safe; {@link #record} mutates. A sketch read from a store is a fresh object.
 */
public final class LatencySketch {

    /** The largest latency tracked; longer requests are recorded as this. */
    public static final long MAX_MS = 3_600_000L;
    /** Significant decimal digits kept: 2 gives a relative error of at most 1%. */
    public static final int PRECISION_DIGITS = 2;

    // HdrHistogram's index arithmetic for lowest 1, highest MAX_MS and 2 digits: 256 sub-buckets (128 per half),
    // unit magnitude 0. SketchIndexTest checks it against Histogram itself over the whole range.
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final long SUB_BUCKET_MASK = (2L << SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
    private static final int LEADING_ZERO_COUNT_BASE = 64 - SUB_BUCKET_HALF_COUNT_MAGNITUDE - 1;

    /** Used bucket indexes, ascending, in {@code [0, size)}. */
    private int[] indexes;
    /** The count of each used bucket, positive. */
    private long[] counts;
    private int size;
    private long total;

    private LatencySketch(int[] indexes, long[] counts, int size, long total) {
        this.indexes = indexes;
        this.counts = counts;
        this.size = size;
        this.total = total;
    }

    /** An empty sketch. */
    public static LatencySketch empty() {
        return new LatencySketch(new int[8], new long[8], 0, 0);
    }

    /** Records {@code valueMs} (clamped to 1 ms .. {@link #MAX_MS}). */
    public void record(long valueMs) {
        int index = indexOf(Math.max(1, Math.min(MAX_MS, valueMs)));
        add(index, 1);
    }

    /** The number of values recorded. */
    public long totalCount() {
        return total;
    }

    /** The number of buckets that counted something. */
    public int bucketsUsed() {
        return size;
    }

    /**
     * The values at the given percentiles (ascending, each in 0..100) and, last, the maximum; every value is the
     * highest value equivalent to its bucket, exactly as {@link Histogram#getValueAtPercentile} and
     * {@link Histogram#getMaxValue} report them. All zeros for an empty sketch.
     */
    public long[] percentilesAndMax(double... ascendingPercentiles) {
        long[] values = new long[ascendingPercentiles.length + 1];
        if (size == 0) {
            return values;
        }
        long seen = 0;
        int next = 0;
        for (int i = 0; i < size && next < ascendingPercentiles.length; i++) {
            seen += counts[i];
            while (next < ascendingPercentiles.length
                    && seen >= Math.max(1, (long) (ascendingPercentiles[next] / 100.0 * total + 0.5))) {
                values[next++] = highestEquivalentValue(indexes[i]);
            }
        }
        values[ascendingPercentiles.length] = highestEquivalentValue(indexes[size - 1]);
        return values;
    }

    // --- binary form -------------------------------------------------------------------------------------------

    /**
     * Writes the sketch: the number of used buckets, then per bucket the gap to the previous bucket index and the
     * count, all as unsigned LEB128 varints; a typical sketch takes two or three bytes per used bucket.
     */
    public void writeTo(BinaryCodec.Writer out) {
        out.writeVarLong(size);
        int previous = 0;
        for (int i = 0; i < size; i++) {
            out.writeVarLong(indexes[i] - previous);
            out.writeVarLong(counts[i]);
            previous = indexes[i];
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static LatencySketch readFrom(BinaryCodec.Reader in) {
        int n = Math.toIntExact(in.readVarLong());
        int[] indexes = new int[Math.max(n, 1)];
        long[] counts = new long[Math.max(n, 1)];
        long total = 0;
        int index = 0;
        for (int i = 0; i < n; i++) {
            index = Math.addExact(index, Math.toIntExact(in.readVarLong()));
            indexes[i] = index;
            counts[i] = in.readVarLong();
            total += counts[i];
        }
        return new LatencySketch(indexes, counts, n, total);
    }

    /**
     * The sketch in the HdrHistogram V2 encoding that rollups stored before the binary format (base64 in JSON).
     * Kept so that windows written by an older version are still read; see {@code rollups.RollupSerde}.
     */
    public static LatencySketch fromHdrHistogramV2(byte[] bytes) {
        LatencySketch sketch = empty();
        if (bytes == null || bytes.length == 0) {
            return sketch;
        }
        Histogram histogram = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 1);
        for (HistogramIterationValue bucket : histogram.recordedValues()) {
            sketch.add(indexOf(Math.max(1, Math.min(MAX_MS, bucket.getValueIteratedTo()))),
                    bucket.getCountAtValueIteratedTo());
        }
        return sketch;
    }

    /**
     * Adds every value counted by {@code other} to this sketch, bucket by bucket: the result is exactly the sketch
     * that recording both sketches' values would have built, which is what lets partial rollups be merged.
     */
    public void mergeFrom(LatencySketch other) {
        if (other.size == 0) {
            return;
        }
        int[] mergedIndexes = new int[size + other.size];
        long[] mergedCounts = new long[mergedIndexes.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < size || j < other.size) {
            if (j == other.size || (i < size && indexes[i] < other.indexes[j])) {
                mergedIndexes[n] = indexes[i];
                mergedCounts[n++] = counts[i++];
            } else if (i == size || other.indexes[j] < indexes[i]) {
                mergedIndexes[n] = other.indexes[j];
                mergedCounts[n++] = other.counts[j++];
            } else {
                mergedIndexes[n] = indexes[i];
                mergedCounts[n++] = counts[i++] + other.counts[j++];
            }
        }
        indexes = mergedIndexes;
        counts = mergedCounts;
        size = n;
        total += other.total;
    }

    /** An independent copy. */
    public LatencySketch copy() {
        return new LatencySketch(Arrays.copyOf(indexes, Math.max(size, 1)), Arrays.copyOf(counts, Math.max(size, 1)),
                size, total);
    }

    // --- bucket arithmetic -------------------------------------------------------------------------------------

    /** HdrHistogram's counts-array index of {@code value} (1 .. {@link #MAX_MS}). */
    static int indexOf(long value) {
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        int subBucketIndex = (int) (value >>> bucketIndex);
        return ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex - SUB_BUCKET_HALF_COUNT);
    }

    /** The lowest value of bucket {@code index}. */
    static long lowestEquivalentValue(int index) {
        int bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucketIndex = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucketIndex < 0) {
            subBucketIndex -= SUB_BUCKET_HALF_COUNT;
            bucketIndex = 0;
        }
        return ((long) subBucketIndex) << bucketIndex;
    }

    /** The highest value of bucket {@code index}. */
    static long highestEquivalentValue(int index) {
        long lowest = lowestEquivalentValue(index);
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(lowest | SUB_BUCKET_MASK);
        return lowest + (1L << bucketIndex) - 1;
    }

    private void add(int index, long count) {
        int at = Arrays.binarySearch(indexes, 0, size, index);
        if (at >= 0) {
            counts[at] += count;
        } else {
            int insert = -at - 1;
            if (size == indexes.length) {
                indexes = Arrays.copyOf(indexes, Math.max(8, size * 2));
                counts = Arrays.copyOf(counts, indexes.length);
            }
            System.arraycopy(indexes, insert, indexes, insert + 1, size - insert);
            System.arraycopy(counts, insert, counts, insert + 1, size - insert);
            indexes[insert] = index;
            counts[insert] = count;
            size++;
        }
        total += count;
    }
}
