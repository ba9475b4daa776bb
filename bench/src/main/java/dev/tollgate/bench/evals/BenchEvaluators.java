package dev.tollgate.bench.evals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.tollgate.control.v1.EvaluatorSelector;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.EvaluatorState;

/**
 * The evaluators of the evals benchmark, one per deterministic type that needs no reference (live traffic has
 * none), each as the admin API would publish it: version 1, active, sampling 1.0, an empty selector (every
 * request). Their definitions follow {@code evals/core}'s {@code Definitions}; {@code BenchEvaluatorsTest} parses
 * each with it, so a definition the app would refuse fails the build, not the benchmark.
 */
final class BenchEvaluators {

    /** The judge model the simulator serves. */
    static final String JUDGE_MODEL = "judge-model";

    private BenchEvaluators() {
    }

    /** The five live evaluators, as published on {@code tollgate.evaluators.v1}. */
    static List<EvaluatorState> live(Instant at) {
        return List.of(
                state("refusal", "exact_match",
                        "{\"expected\": \"" + RequestWorkload.REFUSAL + "\", \"trim\": true, "
                                + "\"case_insensitive\": true}", at),
                state("polite", "regex",
                        "{\"pattern\": \"\\\\b(thank you|please|happy to help)\\\\b\", \"mode\": \"must_match\", "
                                + "\"case_insensitive\": true}", at),
                state("no-pii", "regex",
                        "{\"pattern\": \"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}|\\\\b\\\\d{3}-\\\\d{2}-"
                                + "\\\\d{4}\\\\b\", \"mode\": \"must_not_match\"}", at),
                state("answer-schema", "json_schema",
                        "{\"schema\": {\"type\": \"object\", \"required\": [\"answer\", \"confidence\"], "
                                + "\"properties\": {\"answer\": {\"type\": \"string\", \"minLength\": 1}, "
                                + "\"confidence\": {\"type\": \"number\", \"minimum\": 0, \"maximum\": 1}, "
                                + "\"sources\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}", at),
                state("uses-tools", "tool_call",
                        "{\"tools\": [\"get_weather\", \"search_docs\", \"lookup_order\"], \"mode\": \"must_call\"}",
                        at));
    }

    /** A judge evaluator version: a short prompt, the fewest tokens the definition allows. */
    static EvaluatorSnapshot judge(String evaluatorId, int maxTokens) {
        return new EvaluatorSnapshot(evaluatorId, 1, evaluatorId, "llm_judge", "{\"model\": \"" + JUDGE_MODEL
                + "\", \"prompt\": \"Rate how well the answer serves the user's request, from 0 (useless) to 1 "
                + "(complete and correct).\\n\\nConversation:\\n{{input}}\\n\\nAnswer:\\n{{output}}\", "
                + "\"threshold\": 0.5, \"max_tokens\": " + maxTokens + "}");
    }

    /** The snapshot a backfill names: the version of a published evaluator. */
    static EvaluatorSnapshot snapshot(EvaluatorState state) {
        return new EvaluatorSnapshot(state.getEvaluatorId(), state.getVersion(), state.getName(), state.getType(),
                state.getDefinitionJson());
    }

    /** An empty selector: every request. */
    static EvaluatorSelector everything() {
        return new EvaluatorSelector(List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
    }

    private static EvaluatorState state(String id, String type, String definition, Instant at) {
        return new EvaluatorState(id, id, 1, type, definition, everything(), 1.0, true, at);
    }
}
