package dev.tollgate.evals.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an evaluator checks, one record per {@link EvaluatorType}, parsed and validated by {@link Definitions}. A
 * definition is immutable: a change makes a new evaluator version.
 */
public sealed interface Definition {

    /** The kind of evaluator. */
    EvaluatorType type();

    /**
     * Whether scoring calls a model (a judge, an embedding) and so runs in the evals worker rather than inside a
     * stream thread, which must never wait on a remote call.
     */
    boolean callsModel();

    /** Whether the evaluator can only score a request that has a reference output (a dataset example's). */
    boolean needsReference();

    /**
     * {@code exact_match}: the output equals the reference output.
     *
     * @param expected        a fixed reference for live traffic, or null to use the dataset example's
     * @param trim            compare without leading and trailing white space
     * @param caseInsensitive compare ignoring case
     */
    record ExactMatch(String expected, boolean trim, boolean caseInsensitive) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.EXACT_MATCH;
        }

        @Override
        public boolean callsModel() {
            return false;
        }

        @Override
        public boolean needsReference() {
            return expected == null;
        }
    }

    /**
     * {@code regex}: the output matches the pattern somewhere ({@code must_match}), or nowhere
     * ({@code must_not_match}).
     *
     * @param pattern the compiled pattern
     * @param mode    which way it must go
     */
    record RegexMatch(Pattern pattern, RegexMode mode) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.REGEX;
        }

        @Override
        public boolean callsModel() {
            return false;
        }

        @Override
        public boolean needsReference() {
            return false;
        }
    }

    /**
     * {@code json_schema}: the output is JSON that validates against the schema.
     *
     * @param schema   the schema as given
     * @param compiled the schema, compiled once by the validator
     */
    record JsonSchemaMatch(JsonNode schema, Schema compiled) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.JSON_SCHEMA;
        }

        @Override
        public boolean callsModel() {
            return false;
        }

        @Override
        public boolean needsReference() {
            return false;
        }
    }

    /**
     * {@code tool_call}: the answer calls the named tools ({@code must_call}: any of them, or all with
     * {@code all}) or none of them ({@code must_not_call}).
     *
     * @param tools the tool names
     * @param mode  which way it must go
     * @param all   with {@code must_call}, every tool must be called, not just one
     */
    record ToolCallCheck(Set<String> tools, ToolCallMode mode, boolean all) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.TOOL_CALL;
        }

        @Override
        public boolean callsModel() {
            return false;
        }

        @Override
        public boolean needsReference() {
            return false;
        }
    }

    /**
     * {@code similarity}: how close the output is to the reference output, from 0 to 1; it passes at
     * {@code threshold}. Lexical methods score in the stream; {@code embedding} asks the gateway's
     * {@code /v1/embeddings} for both texts and takes their cosine.
     *
     * @param method         how similarity is measured
     * @param threshold      the lowest passing score
     * @param embeddingModel the embedding model, for {@code embedding}
     */
    record Similarity(SimilarityMethod method, double threshold, String embeddingModel) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.SIMILARITY;
        }

        @Override
        public boolean callsModel() {
            return method == SimilarityMethod.EMBEDDING;
        }

        @Override
        public boolean needsReference() {
            return true;
        }
    }

    /**
     * {@code llm_judge}: a judge model, called through the gateway, reads a prompt made from the template and
     * answers {@code {"score": 0..1, "reasoning": "..."}}; it passes at {@code threshold}.
     *
     * @param model     the judge model
     * @param prompt    the template: {@code {{input}}}, {@code {{output}}} and {@code {{reference}}} are replaced
     * @param threshold the lowest passing score
     * @param maxTokens the most the judge may write
     */
    record LlmJudge(String model, String prompt, double threshold, int maxTokens) implements Definition {
        @Override
        public EvaluatorType type() {
            return EvaluatorType.LLM_JUDGE;
        }

        @Override
        public boolean callsModel() {
            return true;
        }

        @Override
        public boolean needsReference() {
            return prompt.contains("{{reference}}");
        }
    }

    /** Which way a regex evaluator goes. */
    enum RegexMode {
        MUST_MATCH, MUST_NOT_MATCH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which way a tool-call evaluator goes. */
    enum ToolCallMode {
        MUST_CALL, MUST_NOT_CALL;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How similarity is measured. */
    enum SimilarityMethod {
        /** The F-measure of the longest common subsequence of tokens (ROUGE-L). */
        ROUGE_L,
        /** The F1 of the multisets of tokens, as SQuAD scores answers. */
        TOKEN_F1,
        /** The cosine of the two texts' embeddings. */
        EMBEDDING;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
