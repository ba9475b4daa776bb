package dev.tollgate.streams.evals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.evals.stats.ScoreStats;

/**
 * The answer of {@code GET /v1/evals/compare}: two sides (two runs, two models of a run, or, over a time range, two
 * models, endpoints or versions of one evaluator), and per evaluator each side's statistics, the change of the mean,
 * and the examples that regressed (runs only: live traffic has no examples to pair).
 *
 * @param object     always {@code evals.comparison}
 * @param a          what side a is
 * @param b          what side b is
 * @param evaluators per evaluator
 */
record Comparison(
        @JsonProperty("object") String object,
        @JsonProperty("a") Map<String, String> a,
        @JsonProperty("b") Map<String, String> b,
        @JsonProperty("evaluators") List<EvaluatorComparison> evaluators) {

    /** Examples listed per evaluator at most; the count says how many there are. */
    static final int MAX_LISTED = 100;

    /**
     * One evaluator on both sides.
     *
     * @param evaluatorId    the evaluator
     * @param a              side a's statistics
     * @param b              side b's statistics
     * @param meanDelta      b's mean minus a's, or null when one side has no score
     * @param regressedCount examples whose score fell from a to b (or that passed on a and not on b)
     * @param improvedCount  examples whose score rose
     * @param regressed      the first {@value #MAX_LISTED} regressed examples
     */
    record EvaluatorComparison(@JsonProperty("evaluator_id") String evaluatorId, @JsonProperty("a") StatsView a,
                               @JsonProperty("b") StatsView b, @JsonProperty("mean_delta") Double meanDelta,
                               @JsonProperty("regressed_count") long regressedCount,
                               @JsonProperty("improved_count") long improvedCount,
                               @JsonProperty("regressed") List<Regression> regressed) {
    }

    /**
     * One example that did worse on side b.
     *
     * @param exampleId the example
     * @param aScore    its score on a
     * @param bScore    its score on b
     * @param bError    why b has no score, if so
     */
    record Regression(@JsonProperty("example_id") String exampleId, @JsonProperty("a_score") Double aScore,
                      @JsonProperty("b_score") Double bScore, @JsonProperty("b_error") String bError) {
    }

    /** Compares two sets of run scores example by example, per evaluator id. */
    static Comparison ofRuns(Map<String, String> a, List<ScoredRequest> aScores, Map<String, String> b,
                             List<ScoredRequest> bScores) {
        Map<String, Map<String, ScoredRequest>> left = byEvaluatorAndExample(aScores);
        Map<String, Map<String, ScoredRequest>> right = byEvaluatorAndExample(bScores);
        List<EvaluatorComparison> out = new ArrayList<>();
        for (String evaluator : new TreeSet<>(left.keySet())) {
            if (!right.containsKey(evaluator)) {
                continue;
            }
            Map<String, ScoredRequest> l = left.get(evaluator);
            Map<String, ScoredRequest> r = right.get(evaluator);
            List<Regression> regressed = new ArrayList<>();
            long regressedCount = 0;
            long improved = 0;
            for (String example : new TreeSet<>(l.keySet())) {
                ScoredRequest x = l.get(example);
                ScoredRequest y = r.get(example);
                if (y == null) {
                    continue;
                }
                if (worse(x, y)) {
                    regressedCount++;
                    if (regressed.size() < MAX_LISTED) {
                        regressed.add(new Regression(example, x.score(), y.score(), y.error()));
                    }
                } else if (worse(y, x)) {
                    improved++;
                }
            }
            ScoreStats ls = stats(l.values());
            ScoreStats rs = stats(r.values());
            out.add(new EvaluatorComparison(evaluator, StatsView.of(ls), StatsView.of(rs), delta(ls, rs),
                    regressedCount, improved, regressed));
        }
        return new Comparison("evals.comparison", a, b, out);
    }

    /** Compares two sides' windowed statistics of one evaluator (no examples to pair). */
    static Comparison ofWindows(String evaluatorId, Map<String, String> a, ScoreStats aStats, Map<String, String> b,
                                ScoreStats bStats) {
        return new Comparison("evals.comparison", a, b, List.of(new EvaluatorComparison(evaluatorId,
                StatsView.of(aStats), StatsView.of(bStats), delta(aStats, bStats), 0, 0, List.of())));
    }

    /** Whether {@code after} did worse than {@code before}: a lower score, a lost pass, or an error. */
    static boolean worse(ScoredRequest before, ScoredRequest after) {
        if (before.score() == null) {
            return false;
        }
        if (after.score() == null) {
            return true;
        }
        return after.score() < before.score() - 1e-9
                || (Boolean.TRUE.equals(before.passed()) && !Boolean.TRUE.equals(after.passed()));
    }

    private static Map<String, Map<String, ScoredRequest>> byEvaluatorAndExample(List<ScoredRequest> scores) {
        Map<String, Map<String, ScoredRequest>> grouped = new LinkedHashMap<>();
        for (ScoredRequest score : scores) {
            grouped.computeIfAbsent(score.evaluatorId(), e -> new LinkedHashMap<>()).put(score.exampleId(), score);
        }
        return grouped;
    }

    private static ScoreStats stats(Iterable<ScoredRequest> scores) {
        ScoreStats stats = ScoreStats.EMPTY;
        for (ScoredRequest score : scores) {
            stats = stats.add(score.score(), score.passed());
        }
        return stats;
    }

    private static Double delta(ScoreStats a, ScoreStats b) {
        return a.count() == 0 || b.count() == 0 ? null : Math.round((b.mean() - a.mean()) * 1e6) / 1e6;
    }
}
