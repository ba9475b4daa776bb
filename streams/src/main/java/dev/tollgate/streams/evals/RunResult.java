package dev.tollgate.streams.evals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.evals.stats.ScoreStats;

/**
 * The answer of {@code GET /v1/evals/runs/{runId}}: per model and evaluator version, the statistics of the run's
 * scores; whether every example has been scored by every evaluator for every model; and, once complete, the verdict
 * against the run's thresholds. The evals worker polls this until {@code complete}, then reports the verdict.
 *
 * @param object           always {@code evals.run}
 * @param runId            the run
 * @param datasetId        its dataset
 * @param models           its models
 * @param expectedExamples the examples of its dataset, as this instance's catalog holds them
 * @param complete         whether every model and evaluator has a score (or an error) for every example
 * @param results          per model and evaluator version
 * @param thresholds       each threshold for each model
 * @param verdict          {@code passed} or {@code failed} once complete with thresholds; null otherwise
 */
record RunResult(
        @JsonProperty("object") String object,
        @JsonProperty("run_id") String runId,
        @JsonProperty("dataset_id") String datasetId,
        @JsonProperty("models") List<String> models,
        @JsonProperty("expected_examples") long expectedExamples,
        @JsonProperty("complete") boolean complete,
        @JsonProperty("results") List<Result> results,
        @JsonProperty("thresholds") List<ThresholdResult> thresholds,
        @JsonProperty("verdict") String verdict) {

    /**
     * One model and evaluator version.
     *
     * @param model       the model
     * @param evaluatorId the evaluator
     * @param version     its version
     * @param name        its name
     * @param scored      examples scored, errors included
     * @param stats       the statistics
     */
    record Result(@JsonProperty("model") String model, @JsonProperty("evaluator_id") String evaluatorId,
                  @JsonProperty("version") int version, @JsonProperty("name") String name,
                  @JsonProperty("scored") long scored, @JsonProperty("stats") StatsView stats) {
    }

    /**
     * One threshold for one model.
     *
     * @param evaluatorId the evaluator
     * @param metric      {@code mean} or {@code pass_rate}
     * @param min         the least
     * @param model       the model
     * @param value       what the model reached, or null without scores
     * @param passed      whether it reached {@code min}
     */
    record ThresholdResult(@JsonProperty("evaluator_id") String evaluatorId, @JsonProperty("metric") String metric,
                           @JsonProperty("min") double min, @JsonProperty("model") String model,
                           @JsonProperty("value") Double value, @JsonProperty("passed") boolean passed) {
    }

    /** The result of {@code run} from its scores, given how many examples its dataset has. */
    static RunResult of(RunEntry run, List<ScoredRequest> scores, long expectedExamples) {
        Map<String, ScoreStats> stats = new LinkedHashMap<>();
        for (ScoredRequest score : scores) {
            stats.merge(score.model() + RunExamples.SEPARATOR + score.evaluatorId(),
                    ScoreStats.EMPTY.add(score.score(), score.passed()), ScoreStats::merge);
        }
        List<Result> results = new ArrayList<>();
        boolean complete = expectedExamples > 0;
        for (String model : run.models()) {
            for (RunEntry.Snapshot evaluator : run.evaluators()) {
                ScoreStats s = stats.getOrDefault(model + RunExamples.SEPARATOR + evaluator.id(), ScoreStats.EMPTY);
                long scored = s.count() + s.errors();
                complete &= scored >= expectedExamples;
                results.add(new Result(model, evaluator.id(), evaluator.version(), evaluator.name(), scored,
                        StatsView.of(s)));
            }
        }
        List<ThresholdResult> checked = new ArrayList<>();
        boolean allPassed = true;
        for (RunEntry.Threshold threshold : run.thresholds()) {
            for (String model : run.models()) {
                ScoreStats s = stats.getOrDefault(model + RunExamples.SEPARATOR + threshold.evaluatorId(),
                        ScoreStats.EMPTY);
                Double value = s.count() == 0 ? null : "pass_rate".equals(threshold.metric()) ? s.passRate() : s.mean();
                boolean passed = value != null && value >= threshold.min();
                allPassed &= passed;
                checked.add(new ThresholdResult(threshold.evaluatorId(), threshold.metric(), threshold.min(), model,
                        value, passed));
            }
        }
        String verdict = !complete || checked.isEmpty() ? null : allPassed ? "passed" : "failed";
        return new RunResult("evals.run", run.runId(), run.datasetId(), run.models(), expectedExamples, complete,
                results, checked, verdict);
    }
}
