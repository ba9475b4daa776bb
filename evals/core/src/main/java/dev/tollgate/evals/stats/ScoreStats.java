package dev.tollgate.evals.stats;

/**
 * Running statistics of many scores: count, mean with a 95 % confidence interval, pass rate with its Wilson 95 %
 * interval, and errors. Mergeable, so windows and partitions can be combined; kept as sums so that an aggregate
 * store holds five numbers per key.
 *
 * @param count  scores with a value
 * @param sum    sum of the values
 * @param sumSq  sum of the squared values
 * @param passes scores that passed
 * @param errors scores that are errors (no value)
 */
public record ScoreStats(long count, double sum, double sumSq, long passes, long errors) {

    /** No scores. */
    public static final ScoreStats EMPTY = new ScoreStats(0, 0, 0, 0, 0);

    /** 97.5 % quantiles of Student's t for 1..30 degrees of freedom; the normal's 1.96 beyond. */
    private static final double[] T_975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};
    private static final double Z_975 = 1.959964;

    /** These statistics with one more score: {@code value} null for an error. */
    public ScoreStats add(Double value, Boolean passed) {
        if (value == null) {
            return new ScoreStats(count, sum, sumSq, passes, errors + 1);
        }
        return new ScoreStats(count + 1, sum + value, sumSq + value * value,
                passes + (Boolean.TRUE.equals(passed) ? 1 : 0), errors);
    }

    /** These statistics and {@code other}'s together. */
    public ScoreStats merge(ScoreStats other) {
        return new ScoreStats(count + other.count, sum + other.sum, sumSq + other.sumSq, passes + other.passes,
                errors + other.errors);
    }

    /** The mean value, NaN without scores. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The 95 % confidence interval of the mean (Student's t), clamped to [0, 1]; the mean itself for one score. */
    public Interval meanInterval() {
        if (count == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        if (count == 1) {
            return new Interval(mean(), mean());
        }
        double variance = Math.max(0.0, (sumSq - sum * sum / count) / (count - 1));
        double t = count - 1 <= T_975.length ? T_975[(int) (count - 2)] : Z_975;
        double half = t * Math.sqrt(variance / count);
        return new Interval(Math.max(0.0, mean() - half), Math.min(1.0, mean() + half));
    }

    /** The share of scores that passed, NaN without scores. */
    public double passRate() {
        return count == 0 ? Double.NaN : (double) passes / count;
    }

    /** The Wilson score 95 % interval of the pass rate: sound for small counts and rates near 0 or 1. */
    public Interval passRateInterval() {
        if (count == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        double p = passRate();
        double z2 = Z_975 * Z_975;
        double denominator = 1 + z2 / count;
        double centre = (p + z2 / (2.0 * count)) / denominator;
        double half = Z_975 * Math.sqrt(p * (1 - p) / count + z2 / (4.0 * count * count)) / denominator;
        return new Interval(Math.max(0.0, centre - half), Math.min(1.0, centre + half));
    }

    /**
     * A confidence interval.
     *
     * @param low  its lower end
     * @param high its upper end
     */
    public record Interval(double low, double high) {
    }
}
