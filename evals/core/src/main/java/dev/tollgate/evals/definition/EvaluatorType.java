package dev.tollgate.evals.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of evaluator, by the name the admin API and the events use. */
public enum EvaluatorType {

    /** The output equals a reference output (the dataset example's, or a fixed one). */
    EXACT_MATCH("exact_match"),
    /** The output matches (or must not match) a regular expression. */
    REGEX("regex"),
    /** The output parses as JSON and validates against a JSON Schema. */
    JSON_SCHEMA("json_schema"),
    /** The answer calls (or does not call) named tools. */
    TOOL_CALL("tool_call"),
    /** The output is similar to a reference output: lexically, or by embedding cosine. */
    SIMILARITY("similarity"),
    /** A judge model scores the output, through the gateway. */
    LLM_JUDGE("llm_judge");

    private final String wireName;

    EvaluatorType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the admin API and on the topics, e.g. {@code json_schema}. */
    public String wireName() {
        return wireName;
    }

    /** The type named {@code name} (case-insensitive), if any. */
    public static Optional<EvaluatorType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wanted)).findFirst();
    }

    /** Every wire name, for error messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(EvaluatorType::wireName).toList());
    }
}
