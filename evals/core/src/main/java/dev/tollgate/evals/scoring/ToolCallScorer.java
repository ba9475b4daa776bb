package dev.tollgate.evals.scoring;

import dev.tollgate.evals.definition.Definition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code tool_call}: {@code must_call} passes when the answer called one of the tools (or every one, with
 * {@code all}); {@code must_not_call} passes when it called none of them.
 */
final class ToolCallScorer {

    private ToolCallScorer() {
    }

    static Score score(Definition.ToolCallCheck definition, List<ScoringInput.ToolCall> calls) {
        Set<String> called = calls.stream().map(ScoringInput.ToolCall::name).collect(Collectors.toSet());
        Set<String> wanted = new TreeSet<>(definition.tools());
        Set<String> calledWanted = new TreeSet<>(wanted);
        calledWanted.retainAll(called);
        if (definition.mode() == Definition.ToolCallMode.MUST_NOT_CALL) {
            return Score.of(calledWanted.isEmpty(), calledWanted.isEmpty() ? null : "called " + calledWanted);
        }
        if (definition.all()) {
            Set<String> missing = new TreeSet<>(wanted);
            missing.removeAll(called);
            return Score.of(missing.isEmpty(), missing.isEmpty() ? null : "did not call " + missing);
        }
        return Score.of(!calledWanted.isEmpty(), calledWanted.isEmpty()
                ? "called none of " + wanted + (called.isEmpty() ? "" : " (called " + new TreeSet<>(called) + ")")
                : null);
    }
}
