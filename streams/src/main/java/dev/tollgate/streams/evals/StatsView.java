package dev.tollgate.streams.evals;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.evals.stats.ScoreStats;

/**
 * Score statistics as the query API answers them: counts, the mean and the pass rate, each with its 95 %
 * confidence interval (Student's t for the mean, Wilson for the pass rate); null where there is no score.
 *
 * @param count      scores with a value
 * @param errors     scores that are errors
 * @param mean       the mean value
 * @param meanCi     its confidence interval, [low, high]
 * @param passRate   the share that passed
 * @param passRateCi its confidence interval, [low, high]
 */
record StatsView(
        @JsonProperty("count") long count,
        @JsonProperty("errors") long errors,
        @JsonProperty("mean") Double mean,
        @JsonProperty("mean_ci") List<Double> meanCi,
        @JsonProperty("pass_rate") Double passRate,
        @JsonProperty("pass_rate_ci") List<Double> passRateCi) {

    static StatsView of(ScoreStats stats) {
        if (stats.count() == 0) {
            return new StatsView(0, stats.errors(), null, null, null, null);
        }
        ScoreStats.Interval mean = stats.meanInterval();
        ScoreStats.Interval pass = stats.passRateInterval();
        return new StatsView(stats.count(), stats.errors(), round(stats.mean()), List.of(round(mean.low()),
                round(mean.high())), round(stats.passRate()), List.of(round(pass.low()), round(pass.high())));
    }

    /** Six decimals: a score is a fraction, and more digits are noise in JSON. */
    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
