package dev.tollgate.evals.scoring;

import dev.tollgate.evals.definition.Definition;

/**
 * Scores a request with a deterministic evaluator, in the calling thread (a stream thread, a backfill): no I/O, and
 * bounded work however hostile the output or the pattern. Evaluators that call a model are scored by the evals
 * worker instead ({@link Definition#callsModel()}).
 */
public final class Scorers {

    /** Outputs longer than this are not scored: the error says so rather than spending a stream thread on them. */
    public static final int MAX_OUTPUT_CHARS = 200_000;

    private Scorers() {
    }

    /**
     * The score of {@code input} by {@code definition}.
     *
     * @throws IllegalArgumentException when the definition calls a model
     */
    public static Score score(Definition definition, ScoringInput input) {
        if (definition.callsModel()) {
            throw new IllegalArgumentException(definition.type().wireName() + " calls a model: the evals worker "
                    + "scores it");
        }
        if (input.output() != null && input.output().length() > MAX_OUTPUT_CHARS) {
            return Score.error("output_too_large", "the output has " + input.output().length()
                    + " characters; at most " + MAX_OUTPUT_CHARS + " are scored");
        }
        if (definition.needsReference() && referenceOf(definition, input) == null) {
            return Score.error("no_reference", "this evaluator compares with a reference output, and the request "
                    + "has none (it is not from a dataset run)");
        }
        if (definition instanceof Definition.ExactMatch exact) {
            return ExactMatchScorer.score(exact, input.output(), referenceOf(definition, input));
        }
        if (definition instanceof Definition.RegexMatch regex) {
            return RegexScorer.score(regex, input.output());
        }
        if (definition instanceof Definition.JsonSchemaMatch schema) {
            return JsonSchemaScorer.score(schema, input.output());
        }
        if (definition instanceof Definition.ToolCallCheck tools) {
            return ToolCallScorer.score(tools, input.toolCalls());
        }
        if (definition instanceof Definition.Similarity similarity) {
            return LexicalSimilarity.score(similarity, input.output(), input.reference());
        }
        throw new IllegalArgumentException("no scorer for " + definition.type().wireName());
    }

    private static String referenceOf(Definition definition, ScoringInput input) {
        if (definition instanceof Definition.ExactMatch exact && exact.expected() != null) {
            return exact.expected();
        }
        return input.reference();
    }
}
