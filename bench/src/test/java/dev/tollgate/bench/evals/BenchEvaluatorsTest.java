package dev.tollgate.bench.evals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.definition.Definition;
import dev.tollgate.evals.definition.Definitions;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.Scorers;
import dev.tollgate.events.v1.RequestEvent;

/**
 * The benchmark's evaluators are ones the app accepts, and its workload gives each of them real work: every
 * evaluator passes some requests and fails others, and none errs.
 */
class BenchEvaluatorsTest {

    private static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void everyLiveEvaluatorIsAValidDeterministicDefinitionWithoutReference() {
        List<EvaluatorState> live = BenchEvaluators.live(AT);

        assertThat(live).hasSize(5);
        assertThat(live).extracting(EvaluatorState::getType)
                .contains("exact_match", "regex", "json_schema", "tool_call");
        for (EvaluatorState state : live) {
            Definition definition = Definitions.parse(state.getType(), state.getDefinitionJson());
            assertThat(definition.callsModel()).as(state.getEvaluatorId()).isFalse();
            assertThat(definition.needsReference()).as(state.getEvaluatorId()).isFalse();
            assertThat(state.getActive()).isTrue();
            assertThat(state.getSamplingRate()).isEqualTo(1.0);
        }
    }

    @Test
    void judgeEvaluatorIsAValidJudgeDefinition() {
        var judge = BenchEvaluators.judge("judge-c16", 32);

        Definition definition = Definitions.parse(judge.getType(), judge.getDefinitionJson());

        assertThat(definition).isInstanceOfSatisfying(Definition.LlmJudge.class, parsed -> {
            assertThat(parsed.model()).isEqualTo(BenchEvaluators.JUDGE_MODEL);
            assertThat(parsed.maxTokens()).isEqualTo(32);
        });
    }

    @Test
    void workloadMakesEveryEvaluatorBothPassAndFailWithoutErrors() {
        RequestWorkload workload = new RequestWorkload(42, 50);
        Map<String, int[]> outcomes = new HashMap<>(); // passed, failed, errors
        Map<String, Definition> definitions = new HashMap<>();
        for (EvaluatorState state : BenchEvaluators.live(AT)) {
            definitions.put(state.getEvaluatorId(), Definitions.parse(state.getType(), state.getDefinitionJson()));
        }
        for (int i = 0; i < 2_000; i++) {
            RequestEvent request = workload.next(AT.plusMillis(i));
            assertThat(request.getTags()).isNotEmpty();
            assertThat(request.getContent()).isNotNull();
            for (Map.Entry<String, Definition> evaluator : definitions.entrySet()) {
                Score score = Scorers.score(evaluator.getValue(), EvalContract.input(request, null));
                int[] counts = outcomes.computeIfAbsent(evaluator.getKey(), id -> new int[3]);
                counts[score.isError() ? 2 : Boolean.TRUE.equals(score.passed()) ? 0 : 1]++;
            }
        }

        assertThat(outcomes).hasSize(5);
        outcomes.forEach((id, counts) -> {
            assertThat(counts[0]).as(id + " passed").isPositive();
            assertThat(counts[1]).as(id + " failed").isPositive();
            assertThat(counts[2]).as(id + " errors").isZero();
        });
    }

    @Test
    void workloadIsTheSameForTheSameSeed() {
        RequestEvent first = new RequestWorkload(7, 50).next(AT);
        RequestEvent again = new RequestWorkload(7, 50).next(AT);

        assertThat(again).isEqualTo(first);
    }
}
