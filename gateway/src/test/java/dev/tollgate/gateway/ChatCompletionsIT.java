package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first slice end to end against real parts: a real KRaft broker, the real Apicurio Registry and the vLLM
 * simulator. Each test tags its requests with its own request id and finds its usage events by it.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class ChatCompletionsIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    static final String MODEL = VllmSimulatorResource.MODEL;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    private UsageTopic usage;
    @Inject
    MeterRegistry meters;

    @BeforeEach
    void subscribe() {
        usage = new UsageTopic(bootstrap, registry);
    }

    @AfterEach
    void close() {
        usage.close();
    }

    @Test
    void answersACompletionAndPublishesItsUsageEvent() {
        String requestId = UUID.randomUUID().toString();

        Response response = given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chat(false, ""))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-request-id", requestId)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", notNullValue())
                .extract().response();

        UsageEvent event = single(requestId);
        assertThat(event.getOrgId()).isEqualTo("it-org");
        assertThat(event.getKeyId()).isEqualTo("it-key");
        assertThat(event.getModel()).isEqualTo(MODEL);
        assertThat(event.getEndpointId()).isEqualTo("sim-1");
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getPromptTokens()).isEqualTo(response.jsonPath().getLong("usage.prompt_tokens"));
        assertThat(event.getCompletionTokens()).isEqualTo(response.jsonPath().getLong("usage.completion_tokens"));
        assertThat(event.getCostMicros()).isEqualTo(ceilDiv(event.getPromptTokens() * 1_000_000
                + event.getCompletionTokens() * 2_000_000, 1_000_000));
        assertThat(event.getStreaming()).isFalse();
    }

    @Test
    void streamsWithoutTheInjectedUsageChunkWhenTheClientDidNotAskForIt() {
        String requestId = UUID.randomUUID().toString();

        String body = given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chat(true, ""))
                .post("/v1/chat/completions").then().statusCode(200)
                .contentType("text/event-stream").extract().asString();

        assertThat(body).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n")
                .doesNotContain("\"choices\":[]");
        UsageEvent event = single(requestId);
        assertThat(event.getStreaming()).isTrue();
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.PROVIDER);
        assertThat(event.getCompletionTokens()).isPositive();
        assertThat(event.getTtftMs()).isNotNull();
    }

    @Test
    void streamsTheUsageChunkWhenTheClientAskedForIt() {
        String body = given().header("api-key", KEY).contentType(ContentType.JSON)
                .body(chat(true, ",\"stream_options\":{\"include_usage\":true}"))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();

        assertThat(body).contains("\"choices\":[]").contains("\"prompt_tokens\"");
    }

    @Test
    void rejectsAnUnknownKeyWithoutPublishingAndCountsTheRefusal() {
        String refusedId = UUID.randomUUID().toString();
        double before = unauthenticated("invalid_api_key");

        given().header("Authorization", "Bearer tg_wrong").header("x-request-id", refusedId)
                .contentType(ContentType.JSON).body(chat(false, ""))
                .post("/v1/chat/completions").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key")).body("error.type", equalTo("authentication_error"));
        given().contentType(ContentType.JSON).body(chat(false, ""))
                .post("/v1/chat/completions").then().statusCode(401).body("error.code", equalTo("missing_api_key"));

        assertThat(unauthenticated("invalid_api_key")).isEqualTo(before + 1);
        assertThat(unauthenticated("missing_api_key")).isPositive();
        // A request answered after the refused one has its event; the refused one has none.
        String answeredId = UUID.randomUUID().toString();
        given().header("Authorization", "Bearer " + KEY).header("x-request-id", answeredId)
                .contentType(ContentType.JSON).body(chat(false, "")).post("/v1/chat/completions")
                .then().statusCode(200);
        single(answeredId);
        assertThat(usage.await(e -> e.getRequestId().equals(refusedId), 1, Duration.ofSeconds(1))).isEmpty();
    }

    private double unauthenticated(String code) {
        Counter counter = meters.find("tollgate.requests.unauthenticated").tag("error.type", code).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void answersMalformedJsonWith400AndRecordsAClientError() {
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body("{\"model\": ").post("/v1/chat/completions")
                .then().statusCode(400).body("error.code", equalTo("invalid_json"))
                .body("error.type", equalTo("invalid_request_error"));

        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.CLIENT_ERROR);
        assertThat(event.getHttpStatus()).isEqualTo(400);
        assertThat(event.getCostMicros()).isZero();
    }

    @Test
    void answersAnUnknownModelWith404() {
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(404)
                .body("error.code", equalTo("model_not_found")).body("error.param", equalTo("model"));
    }

    @Test
    void answersAnOversizedBodyWith413() {
        String huge = "x".repeat(70_000);

        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}")
                .post("/v1/chat/completions").then().statusCode(413)
                .body("error.code", equalTo("request_too_large"));
    }

    @Test
    void answersHugeHeadersWith431InTheOpenAiShape() {
        given().header("Authorization", "Bearer " + KEY).header("x-padding", "a".repeat(40_000))
                .contentType(ContentType.JSON).body(chat(false, ""))
                .post("/v1/chat/completions").then().statusCode(431)
                .body("error.code", equalTo("headers_too_large"));
    }

    @Test
    void answersInvalidUtf8With400() {
        byte[] body = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(body)
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("invalid_encoding"));
    }

    @Test
    void answersAWrongMethodInTheOpenAiShape() {
        given().header("Authorization", "Bearer " + KEY).get("/v1/chat/completions").then().statusCode(405)
                .body("error.code", equalTo("method_not_allowed"));
    }

    private UsageEvent single(String requestId) {
        return usage.exactlyOne(requestId);
    }

    private static String chat(boolean stream, String extra) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":" + stream + ",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]" + extra + "}";
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
