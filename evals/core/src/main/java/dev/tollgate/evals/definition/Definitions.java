package dev.tollgate.evals.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates an evaluator's definition, given as JSON by the admin API and carried as JSON text on the
 * topics. Every problem is an {@link InvalidDefinition} naming the field at fault and saying what is expected, so
 * a bad regex or an invalid JSON Schema is a 400 at creation, never a failure while scoring.
 *
 * <p>The streams app and the evals worker parse the same text again with the same code, so a definition the admin
 * API accepted is one they can use.
 */
public final class Definitions {

    /** The path of the definition in the admin API's body; every field path starts with it. */
    public static final String ROOT = "definition";
    /** The longest pattern or prompt accepted: a definition is configuration, not data. */
    static final int MAX_TEXT = 20_000;
    /** The longest JSON Schema accepted, as JSON text. */
    static final int MAX_SCHEMA_BYTES = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Draft 2020-12 unless a schema names another with {@code $schema}. The default loader resolves the
     * specifications' own meta-schemas from the classpath and fetches nothing remote: a {@code $ref} to a URL can
     * never make the streams app call out.
     */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema META_SCHEMA =
            SCHEMAS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    private Definitions() {
    }

    /**
     * The definition of an evaluator of {@code type}, from its JSON text as the topics carry it.
     *
     * @throws InvalidDefinition when the text is not a valid definition of that type
     */
    public static Definition parse(String type, String json) {
        EvaluatorType parsedType = EvaluatorType.parse(type).orElseThrow(() -> new InvalidDefinition("type",
                "'type' must be one of " + EvaluatorType.names() + ", not '" + type + "'."));
        try {
            return parse(parsedType, JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new InvalidDefinition(ROOT, "'" + ROOT + "' is not valid JSON.");
        }
    }

    /**
     * The definition of an evaluator of {@code type}, from the JSON the admin API received.
     *
     * @throws InvalidDefinition when it is not a valid definition of that type
     */
    public static Definition parse(EvaluatorType type, JsonNode definition) {
        Fields fields = new Fields(definition == null ? JSON.createObjectNode() : definition, ROOT);
        return switch (type) {
            case EXACT_MATCH -> exactMatch(fields);
            case REGEX -> regex(fields);
            case JSON_SCHEMA -> jsonSchema(fields);
            case TOOL_CALL -> toolCall(fields);
            case SIMILARITY -> similarity(fields);
            case LLM_JUDGE -> llmJudge(fields);
        };
    }

    private static Definition exactMatch(Fields fields) {
        fields.noOthers(Set.of("expected", "trim", "case_insensitive"));
        String expected = fields.text("expected").orElse(null);
        bounded(fields, "expected", expected);
        return new Definition.ExactMatch(expected, fields.bool("trim", true), fields.bool("case_insensitive", false));
    }

    private static Definition regex(Fields fields) {
        fields.noOthers(Set.of("pattern", "mode", "case_insensitive"));
        String source = fields.requiredText("pattern", "a Java regular expression");
        bounded(fields, "pattern", source);
        int flags = fields.bool("case_insensitive", false) ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
        try {
            return new Definition.RegexMatch(Pattern.compile(source, flags),
                    fields.choice("mode", Definition.RegexMode.class, Definition.RegexMode.MUST_MATCH));
        } catch (PatternSyntaxException e) {
            throw new InvalidDefinition(fields.path("pattern"), "'" + fields.path("pattern")
                    + "' is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex()
                    + ".");
        }
    }

    private static Definition jsonSchema(Fields fields) {
        fields.noOthers(Set.of("schema"));
        JsonNode schema = fields.raw("schema");
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            throw new InvalidDefinition(fields.path("schema"), "'" + fields.path("schema")
                    + "' is required: a JSON Schema (an object, or true or false).");
        }
        String text = schema.toString();
        if (text.length() > MAX_SCHEMA_BYTES) {
            throw new InvalidDefinition(fields.path("schema"), "'" + fields.path("schema") + "' is larger than "
                    + MAX_SCHEMA_BYTES + " bytes.");
        }
        List<Error> problems = META_SCHEMA.validate(text, InputFormat.JSON);
        if (!problems.isEmpty()) {
            throw new InvalidDefinition(fields.path("schema"), "'" + fields.path("schema")
                    + "' is not a valid JSON Schema (draft 2020-12): " + problems.get(0).getMessage() + ".");
        }
        try {
            Schema compiled = SCHEMAS.getSchema(text, InputFormat.JSON);
            compiled.initializeValidators();
            return new Definition.JsonSchemaMatch(schema, compiled);
        } catch (RuntimeException e) {
            throw new InvalidDefinition(fields.path("schema"), "'" + fields.path("schema")
                    + "' cannot be compiled: " + e.getMessage()
                    + " (references must resolve inside the schema: remote $ref is not fetched).");
        }
    }

    private static Definition toolCall(Fields fields) {
        fields.noOthers(Set.of("tools", "mode", "all"));
        Set<String> tools = fields.textSet("tools", true);
        Definition.ToolCallMode mode = fields.choice("mode", Definition.ToolCallMode.class,
                Definition.ToolCallMode.MUST_CALL);
        boolean all = fields.bool("all", false);
        if (all && mode == Definition.ToolCallMode.MUST_NOT_CALL) {
            throw new InvalidDefinition(fields.path("all"), "'" + fields.path("all")
                    + "' applies to must_call only.");
        }
        return new Definition.ToolCallCheck(tools, mode, all);
    }

    private static Definition similarity(Fields fields) {
        fields.noOthers(Set.of("method", "threshold", "embedding_model"));
        Definition.SimilarityMethod method = fields.choice("method", Definition.SimilarityMethod.class,
                Definition.SimilarityMethod.ROUGE_L);
        String model = fields.text("embedding_model").orElse(null);
        if (method == Definition.SimilarityMethod.EMBEDDING && (model == null || model.isBlank())) {
            throw new InvalidDefinition(fields.path("embedding_model"), "'" + fields.path("embedding_model")
                    + "' is required with method embedding: the model the gateway's /v1/embeddings serves.");
        }
        if (method != Definition.SimilarityMethod.EMBEDDING && model != null) {
            throw new InvalidDefinition(fields.path("embedding_model"), "'" + fields.path("embedding_model")
                    + "' applies to method embedding only.");
        }
        return new Definition.Similarity(method, fields.fraction("threshold", 0.5), model);
    }

    private static Definition llmJudge(Fields fields) {
        fields.noOthers(Set.of("model", "prompt", "threshold", "max_tokens"));
        String model = fields.requiredText("model", "the judge model, served by this gateway");
        String prompt = fields.requiredText("prompt", "the judge's instructions, with {{input}} and {{output}}");
        bounded(fields, "prompt", prompt);
        if (!prompt.contains("{{output}}")) {
            throw new InvalidDefinition(fields.path("prompt"), "'" + fields.path("prompt")
                    + "' must contain {{output}}, where the answer being judged goes.");
        }
        return new Definition.LlmJudge(model, prompt, fields.fraction("threshold", 0.5),
                fields.integer("max_tokens", 256, 16, 4096));
    }

    private static void bounded(Fields fields, String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw new InvalidDefinition(fields.path(field), "'" + fields.path(field) + "' is longer than " + MAX_TEXT
                    + " characters.");
        }
    }
}
