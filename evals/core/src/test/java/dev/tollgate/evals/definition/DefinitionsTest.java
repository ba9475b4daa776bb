package dev.tollgate.evals.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.scoring.Scorers;
import dev.tollgate.evals.scoring.ScoringInput;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

class DefinitionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static void refused(ThrowableAssert.ThrowingCallable parse, String field, String reason) {
        assertThatThrownBy(parse).isInstanceOf(InvalidDefinition.class)
                .satisfies(e -> assertThat(((InvalidDefinition) e).field()).isEqualTo(field))
                .hasMessageContaining(reason);
    }

    @Test
    void parsesEveryTypeWithItsDefaults() throws Exception {
        assertThat(Definitions.parse(EvaluatorType.EXACT_MATCH, json("{}")))
                .isEqualTo(new Definition.ExactMatch(null, true, false));
        assertThat(Definitions.parse(EvaluatorType.REGEX, json("{\"pattern\":\"^ok\"}")))
                .isInstanceOfSatisfying(Definition.RegexMatch.class,
                        r -> assertThat(r.mode()).isEqualTo(Definition.RegexMode.MUST_MATCH));
        assertThat(Definitions.parse(EvaluatorType.TOOL_CALL, json("{\"tools\":[\"get_weather\"]}")))
                .isEqualTo(new Definition.ToolCallCheck(java.util.Set.of("get_weather"), Definition.ToolCallMode.MUST_CALL,
                        false));
        assertThat(Definitions.parse(EvaluatorType.SIMILARITY, json("{}")))
                .isEqualTo(new Definition.Similarity(Definition.SimilarityMethod.ROUGE_L, 0.5, null));
        assertThat(Definitions.parse(EvaluatorType.LLM_JUDGE,
                json("{\"model\":\"judge\",\"prompt\":\"Rate {{output}}\"}")))
                .isEqualTo(new Definition.LlmJudge("judge", "Rate {{output}}", 0.5, 256));
    }

    @Test
    void parsesTheTextTheTopicsCarry() {
        Definition parsed = Definitions.parse("json_schema", "{\"schema\":{\"type\":\"object\"}}");

        assertThat(parsed.type()).isEqualTo(EvaluatorType.JSON_SCHEMA);
        assertThat(parsed.callsModel()).isFalse();
    }

    @Test
    void refusesABadRegexNamingTheFieldAndTheProblem() {
        refused(() -> Definitions.parse(EvaluatorType.REGEX, json("{\"pattern\":\"(unclosed\"}")),
                "definition.pattern", "is not a valid regular expression");
    }

    @Test
    void refusesAnInvalidJsonSchemaNamingTheField() {
        refused(() -> Definitions.parse(EvaluatorType.JSON_SCHEMA, json("{\"schema\":{\"type\":12}}")),
                "definition.schema", "is not a valid JSON Schema");
        refused(() -> Definitions.parse(EvaluatorType.JSON_SCHEMA, json("{\"schema\":\"object\"}")),
                "definition.schema", "is required");
    }

    @Test
    void refusesAnUnknownFieldRatherThanIgnoringATypo() {
        refused(() -> Definitions.parse(EvaluatorType.EXACT_MATCH, json("{\"case_insensitiv\":true}")),
                "definition.case_insensitiv", "is not a field of this object");
    }

    @Test
    void refusesAnUnknownTypeAndAnUnknownMode() {
        refused(() -> Definitions.parse("fuzzy", "{}"), "type", "must be one of exact_match");
        refused(() -> Definitions.parse(EvaluatorType.REGEX, json("{\"pattern\":\"x\",\"mode\":\"should\"}")),
                "definition.mode", "must_match, must_not_match");
    }

    @Test
    void requiresAnEmbeddingModelForEmbeddingSimilarityOnly() throws Exception {
        refused(() -> Definitions.parse(EvaluatorType.SIMILARITY, json("{\"method\":\"embedding\"}")),
                "definition.embedding_model", "is required with method embedding");
        refused(() -> Definitions.parse(EvaluatorType.SIMILARITY,
                json("{\"method\":\"token_f1\",\"embedding_model\":\"e\"}")),
                "definition.embedding_model", "applies to method embedding only");
        assertThat(Definitions.parse(EvaluatorType.SIMILARITY,
                json("{\"method\":\"embedding\",\"embedding_model\":\"e\",\"threshold\":0.8}")).callsModel()).isTrue();
    }

    @Test
    void refusesAJudgePromptWithoutThePlaceOfTheOutput() {
        refused(() -> Definitions.parse(EvaluatorType.LLM_JUDGE, json("{\"model\":\"j\",\"prompt\":\"Rate it\"}")),
                "definition.prompt", "must contain {{output}}");
        refused(() -> Definitions.parse(EvaluatorType.LLM_JUDGE,
                json("{\"model\":\"j\",\"prompt\":\"{{output}}\",\"threshold\":2}")),
                "definition.threshold", "from 0 to 1");
    }

    @Test
    void neverFetchesARemoteReferenceOfASchema() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger fetched = new AtomicInteger();
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] body = "{\"type\":\"string\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String remote = "http://127.0.0.1:" + server.getAddress().getPort() + "/schema.json";
            JsonNode definition = json("{\"schema\":{\"$ref\":\"" + remote + "\"}}");
            try {
                Definition parsed = Definitions.parse(EvaluatorType.JSON_SCHEMA, definition);
                Score score = Scorers.score(parsed, new ScoringInput(List.of(), "\"text\"", List.of(), null));
                assertThat(score.passed()).isNotEqualTo(Boolean.TRUE);
            } catch (InvalidDefinition refusedAtCreation) {
                assertThat(refusedAtCreation.field()).isEqualTo("definition.schema");
            } catch (RuntimeException failedWhileScoring) {
                assertThat(failedWhileScoring).isNotNull();
            }
            assertThat(fetched.get()).as("requests the schema loader sent to the remote server").isZero();
        } finally {
            server.stop(0);
        }
    }
}
