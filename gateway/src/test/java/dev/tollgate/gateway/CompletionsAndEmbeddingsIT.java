package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /v1/completions} and {@code /v1/embeddings} end to end through the chat pipeline, against the real
 * broker, registry and the vLLM simulator (input price 1, output price 2 dollars per million tokens).
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class CompletionsAndEmbeddingsIT {

    static final String KEY = ChatCompletionsIT.KEY;
    static final String MODEL = VllmSimulatorResource.MODEL;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    private UsageTopic usage;

    @BeforeEach
    void subscribe() {
        usage = new UsageTopic(bootstrap, registry);
    }

    @AfterEach
    void close() {
        usage.close();
    }

    @Test
    void answersATextCompletionAndBillsTheProvidersUsage() {
        String requestId = UUID.randomUUID().toString();

        Response response = given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"prompt\":[\"Once upon\",\"a time\"],\"max_tokens\":8}")
                .post("/v1/completions").then().statusCode(200)
                .header("x-request-id", requestId)
                .body("object", equalTo("text_completion"))
                .body("choices[0].text", notNullValue())
                .extract().response();

        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getStreaming()).isFalse();
        assertThat(event.getPromptTokens()).isEqualTo(response.jsonPath().getLong("usage.prompt_tokens"));
        assertThat(event.getCompletionTokens()).isEqualTo(response.jsonPath().getLong("usage.completion_tokens"))
                .isPositive();
    }

    @Test
    void streamsTextCompletionChunksWithoutTheInjectedUsageChunk() {
        String requestId = UUID.randomUUID().toString();

        String body = given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"prompt\":\"Say hello\",\"stream\":true,\"max_tokens\":8}")
                .post("/v1/completions").then().statusCode(200).contentType("text/event-stream")
                .extract().asString();

        assertThat(body).contains("\"text_completion\"").endsWith("data: [DONE]\n\n")
                .doesNotContain("\"choices\":[]");
        UsageEvent event = single(requestId);
        assertThat(event.getStreaming()).isTrue();
        assertThat(event.getUsageSource()).as("the gateway asked for usage itself").isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getCompletionTokens()).isPositive();
        assertThat(event.getTtftMs()).isNotNull();
    }

    @Test
    void streamsTheCompletionsUsageChunkWhenTheClientAskedForIt() {
        String body = given().header("api-key", KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"prompt\":[1,2,3],\"stream\":true,\"max_tokens\":4,"
                        + "\"stream_options\":{\"include_usage\":true}}")
                .post("/v1/completions").then().statusCode(200).extract().asString();

        assertThat(body).contains("\"choices\":[]").contains("\"prompt_tokens\"");
    }

    @Test
    void embedsInputsAndBillsItsPromptTokensOnly() {
        String requestId = UUID.randomUUID().toString();

        Response response = given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"input\":[\"the first text\",\"the second\"]}")
                .post("/v1/embeddings").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data", hasSize(2))
                .body("data[0].object", equalTo("embedding"))
                .extract().response();

        long promptTokens = response.jsonPath().getLong("usage.prompt_tokens");
        assertThat(promptTokens).isPositive();
        assertThat(response.jsonPath().getLong("usage.total_tokens")).isEqualTo(promptTokens);
        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getPromptTokens()).isEqualTo(promptTokens);
        assertThat(event.getCompletionTokens()).isZero();
        assertThat(event.getCostMicros()).as("1 dollar per million input tokens").isEqualTo(promptTokens);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "completions without prompt|/v1/completions|{\"model\":\"sim-model\"}|prompt",
        "completions with an object prompt|/v1/completions|{\"model\":\"sim-model\",\"prompt\":{}}|prompt",
        "completions with zero max_tokens|/v1/completions|{\"model\":\"sim-model\",\"prompt\":\"x\",\"max_tokens\":0}|max_tokens",
        "embeddings without input|/v1/embeddings|{\"model\":\"sim-model\"}|input",
        "embeddings with an empty array|/v1/embeddings|{\"model\":\"sim-model\",\"input\":[]}|input",
        "embeddings streamed|/v1/embeddings|{\"model\":\"sim-model\",\"input\":\"x\",\"stream\":true}|stream",
    })
    void answersMalformedRequestsWith400NamingTheField(String name, String path, String body, String param) {
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(body).post(path).then().statusCode(400)
                .body("error.code", equalTo("invalid_request"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param));

        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.CLIENT_ERROR);
        assertThat(event.getCostMicros()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"/v1/completions,prompt", "/v1/embeddings,input"})
    void answersAnUnknownModelWith404(String path, String field) {
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"no-such-model\",\"" + field + "\":\"hi\"}")
                .post(path).then().statusCode(404)
                .body("error.code", equalTo("model_not_found")).body("error.param", equalTo("model"));
    }

    @ParameterizedTest
    @CsvSource({"/v1/completions", "/v1/embeddings"})
    void refusesAMissingKeyAndAWrongMethodInTheOpenAiShape(String path) {
        given().contentType(ContentType.JSON).body("{}").post(path).then().statusCode(401)
                .body("error.code", equalTo("missing_api_key"));
        given().header("Authorization", "Bearer " + KEY).get(path).then().statusCode(405)
                .body("error.code", equalTo("method_not_allowed"));
    }

    private UsageEvent single(String requestId) {
        return usage.exactlyOne(requestId);
    }
}
