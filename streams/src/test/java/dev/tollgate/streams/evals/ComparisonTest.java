package dev.tollgate.streams.evals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static ScoredRequest score(String evaluator, String example, Double value, Boolean passed) {
        return new ScoredRequest(evaluator + example, evaluator, 1, "m", null, "r", example, "req", value, passed,
                value == null ? "judge_unavailable: down" : null, 0);
    }

    @Test
    void listsTheExamplesThatDidWorseOnTheSecondSide() {
        List<ScoredRequest> a = List.of(score("judge", "e1", 0.9, true), score("judge", "e2", 0.4, false),
                score("judge", "e3", 0.8, true));
        List<ScoredRequest> b = List.of(score("judge", "e1", 0.5, false), score("judge", "e2", 0.7, true),
                score("judge", "e3", null, null));

        Comparison comparison = Comparison.ofRuns(Map.of("run_id", "r1"), a, Map.of("run_id", "r2"), b);

        Comparison.EvaluatorComparison judge = comparison.evaluators().get(0);
        assertThat(judge.regressedCount()).isEqualTo(2);
        assertThat(judge.improvedCount()).isEqualTo(1);
        assertThat(judge.regressed()).extracting(Comparison.Regression::exampleId).containsExactly("e1", "e3");
        assertThat(judge.meanDelta()).isEqualTo(0.6 - 0.7, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void comparesOnlyEvaluatorsBothSidesHave() {
        Comparison comparison = Comparison.ofRuns(Map.of(), List.of(score("x", "e1", 1.0, true)), Map.of(),
                List.of(score("y", "e1", 1.0, true)));

        assertThat(comparison.evaluators()).isEmpty();
    }
}
