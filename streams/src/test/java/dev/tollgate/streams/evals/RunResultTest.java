package dev.tollgate.streams.evals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RunResultTest {

    private static final RunEntry RUN = new RunEntry("run-1", "capitals", List.of("a", "b"),
            List.of(new RunEntry.Snapshot("exact", 2, "Exact", "exact_match", "{}")),
            List.of(new RunEntry.Threshold("exact", "pass_rate", 0.5)));

    private static ScoredRequest score(String model, String example, Double value, Boolean passed) {
        return new ScoredRequest("exact:2:" + model + example, "exact", 2, model, null, "run-1", example, "req",
                value, passed, value == null ? "judge_unusable: x" : null, 0);
    }

    @Test
    void isIncompleteUntilEveryModelHasAScoreForEveryExample() {
        RunResult result = RunResult.of(RUN, List.of(score("a", "fr", 1.0, true), score("a", "de", 1.0, true),
                score("b", "fr", 1.0, true)), 2);

        assertThat(result.complete()).isFalse();
        assertThat(result.verdict()).isNull();
    }

    @Test
    void failsWhenOneModelMissesAThresholdAndCountsErrorsAsScored() {
        RunResult result = RunResult.of(RUN, List.of(score("a", "fr", 1.0, true), score("a", "de", 1.0, true),
                score("b", "fr", 0.0, false), score("b", "de", null, null)), 2);

        assertThat(result.complete()).isTrue();
        assertThat(result.verdict()).isEqualTo("failed");
        assertThat(result.thresholds()).extracting(RunResult.ThresholdResult::model, RunResult.ThresholdResult::passed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", true),
                        org.assertj.core.groups.Tuple.tuple("b", false));
        assertThat(result.results().get(1).stats().errors()).isEqualTo(1);
    }

    @Test
    void passesWhenEveryModelReachesEveryThreshold() {
        RunResult result = RunResult.of(RUN, List.of(score("a", "fr", 1.0, true), score("a", "de", 0.0, false),
                score("b", "fr", 1.0, true), score("b", "de", 1.0, true)), 2);

        assertThat(result.verdict()).isEqualTo("passed");
    }
}
