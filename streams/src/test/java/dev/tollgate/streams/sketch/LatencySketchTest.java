package dev.tollgate.streams.sketch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;

/**
 * The sparse sketch must report exactly what the app read from an HdrHistogram of the same range and precision,
 * so that the published percentiles did not change when the sketch stopped being a dense {@link Histogram}.
 */
class LatencySketchTest {

    private static Histogram reference() {
        return new Histogram(1, LatencySketch.MAX_MS, LatencySketch.PRECISION_DIGITS);
    }

    @Test
    void bucketArithmeticEqualsHdrHistogramOverTheWholeRange() {
        Histogram reference = reference();
        for (long value = 1; value <= LatencySketch.MAX_MS; value++) {
            int index = LatencySketch.indexOf(value);
            long lowest = reference.lowestEquivalentValue(value);
            long highest = reference.highestEquivalentValue(value);
            if (LatencySketch.lowestEquivalentValue(index) != lowest
                    || LatencySketch.highestEquivalentValue(index) != highest) {
                throw new AssertionError("value " + value + " index " + index + ": lowest "
                        + LatencySketch.lowestEquivalentValue(index) + " vs " + lowest + ", highest "
                        + LatencySketch.highestEquivalentValue(index) + " vs " + highest);
            }
        }
    }

    @Test
    void mergingSketchesEqualsRecordingAllTheirValuesInOne() {
        Random random = new Random(11);
        for (int run = 0; run < 30; run++) {
            LatencySketch whole = LatencySketch.empty();
            LatencySketch left = LatencySketch.empty();
            LatencySketch right = LatencySketch.empty();
            int n = random.nextInt(run < 5 ? 3 : 2_000);
            for (int i = 0; i < n; i++) {
                long value = (long) Math.exp(random.nextDouble() * 12);
                whole.record(value);
                (random.nextBoolean() ? left : right).record(value);
            }
            left.mergeFrom(right);

            assertThat(left.totalCount()).isEqualTo(whole.totalCount());
            assertThat(left.bucketsUsed()).isEqualTo(whole.bucketsUsed());
            assertThat(left.percentilesAndMax(0, 50, 90, 99, 100))
                    .containsExactly(whole.percentilesAndMax(0, 50, 90, 99, 100));
            left.record(5);
            assertThat(left.totalCount()).isEqualTo(whole.totalCount() + 1);
        }
    }

    @Test
    void percentilesAndMaxEqualHdrHistogram() {
        Random random = new Random(7);
        for (int run = 0; run < 50; run++) {
            Histogram reference = reference();
            LatencySketch sketch = LatencySketch.empty();
            int n = 1 + random.nextInt(run < 10 ? 5 : 5_000);
            for (int i = 0; i < n; i++) {
                long value = (long) Math.exp(random.nextDouble() * 14); // 1 ms .. ~20 min, log-spread
                reference.recordValue(Math.max(1, Math.min(LatencySketch.MAX_MS, value)));
                sketch.record(value);
            }
            long[] actual = sketch.percentilesAndMax(50, 90, 95, 99);
            assertThat(actual).containsExactly(formerPercentiles(reference, 50, 90, 95, 99, reference.getMaxValue()));
            assertThat(sketch.totalCount()).isEqualTo(reference.getTotalCount());
        }
    }

    /**
     * The percentiles as the app read them from an {@link Histogram} before: one pass over the recorded buckets,
     * the rank of p rounded to nearest (not {@code getValueAtPercentile}'s ceiling), the bucket's highest value.
     */
    private static long[] formerPercentiles(Histogram h, double p50, double p90, double p95, double p99, long max) {
        double[] wanted = {p50, p90, p95, p99};
        long[] values = new long[wanted.length + 1];
        long total = h.getTotalCount();
        long seen = 0;
        int next = 0;
        for (HistogramIterationValue bucket : h.recordedValues()) {
            seen += bucket.getCountAddedInThisIterationStep();
            while (next < wanted.length && seen >= Math.max(1, (long) (wanted[next] / 100.0 * total + 0.5))) {
                values[next++] = h.highestEquivalentValue(bucket.getValueIteratedTo());
            }
        }
        values[wanted.length] = max;
        return values;
    }

    @Test
    void clampsToTheTrackedRange() {
        LatencySketch sketch = LatencySketch.empty();
        sketch.record(0);
        sketch.record(-5);
        sketch.record(LatencySketch.MAX_MS * 10);
        long[] values = sketch.percentilesAndMax(50);
        assertThat(values[0]).isEqualTo(1);
        assertThat(values[1]).isEqualTo(reference().highestEquivalentValue(LatencySketch.MAX_MS));
    }

    @Test
    void copyIsIndependent() {
        LatencySketch sketch = LatencySketch.empty();
        sketch.record(10);
        LatencySketch copy = sketch.copy();
        copy.record(20);
        assertThat(sketch.totalCount()).isEqualTo(1);
        assertThat(copy.totalCount()).isEqualTo(2);
        assertThat(sketch.percentilesAndMax()[0]).isEqualTo(10);
    }

    @Test
    void readsTheFormerHdrHistogramEncoding() {
        Histogram former = reference();
        LatencySketch expected = LatencySketch.empty();
        for (long value : new long[] {1, 3, 250, 251, 999, 12_345, 12_345, 3_000_000}) {
            former.recordValue(value);
            expected.record(value);
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(former.getNeededByteBufferCapacity());
        int length = former.encodeIntoByteBuffer(buffer);
        LatencySketch read = LatencySketch.fromHdrHistogramV2(java.util.Arrays.copyOf(buffer.array(), length));
        assertThat(read.percentilesAndMax(10, 50, 90, 99)).containsExactly(expected.percentilesAndMax(10, 50, 90, 99));
        assertThat(read.totalCount()).isEqualTo(8);
    }
}
