package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.CHAT;
import static dev.tollgate.local.vllm.SimHttp.COMPLETIONS;
import static dev.tollgate.local.vllm.SimHttp.chatBody;
import static dev.tollgate.local.vllm.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorHandlingTest {

    private static final int BODY_LIMIT = 4096;

    private static VllmSimulator simulator;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1).withMaxBodyBytes(BODY_LIMIT)
                .withMaxModelLen(256).withOutputTokens(8));
        http = new SimHttp(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void answersUnknownModelWith404NotFoundError() {
        HttpResponse<String> response = http.post(CHAT,
                "{\"model\":\"gpt-nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("NotFoundError");
        assertThat(error.path("code").asInt()).isEqualTo(404);
        assertThat(error.path("param").asText()).isEqualTo("model");
        assertThat(error.path("message").asText()).contains("gpt-nope");
    }

    @Test
    void answersMalformedJsonWith400() {
        assertBadRequest(http.post(CHAT, "{\"messages\": [ }"), null);
    }

    @Test
    void answersTrailingContentAfterTheJsonObjectWith400() {
        assertBadRequest(http.post(CHAT, chatBody("") + " {}"), null);
    }

    @Test
    void answersEmptyBodyAndNonObjectBodiesWith400() {
        assertBadRequest(http.post(CHAT, ""), null);
        assertBadRequest(http.post(CHAT, "[1,2]"), null);
        assertBadRequest(http.post(CHAT, "\"text\""), null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing messages                | {\"model\":\"sim-model\"}                                    | messages",
        "messages not an array           | {\"messages\":\"hello\"}                                     | messages",
        "empty messages                  | {\"messages\":[]}                                            | messages",
        "message not an object           | {\"messages\":[1]}                                           | messages",
        "message without role            | {\"messages\":[{\"content\":\"x\"}]}                         | messages",
        "content of wrong type           | {\"messages\":[{\"role\":\"user\",\"content\":5}]}           | messages",
        "max_tokens as a string          | {\"messages\":[{\"role\":\"user\"}],\"max_tokens\":\"ten\"}  | max_tokens",
        "max_tokens zero                 | {\"messages\":[{\"role\":\"user\"}],\"max_tokens\":0}        | max_tokens",
        "max_tokens fractional           | {\"messages\":[{\"role\":\"user\"}],\"max_tokens\":1.5}      | max_tokens",
        "stream as a string              | {\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}      | stream",
        "n zero                          | {\"messages\":[{\"role\":\"user\"}],\"n\":0}                 | n",
        "model as a number               | {\"messages\":[{\"role\":\"user\"}],\"model\":5}             | model",
        "seed as a string                | {\"messages\":[{\"role\":\"user\"}],\"seed\":\"x\"}          | seed",
        "stream_options without stream   | {\"messages\":[{\"role\":\"user\"}],\"stream_options\":{}}   | stream_options",
        "include_usage as a string       | {\"messages\":[{\"role\":\"user\"}],\"stream\":true,\"stream_options\":{\"include_usage\":\"y\"}} | include_usage",
    })
    void rejectsMalformedChatRequestsWith400NamingTheField(String name, String body, String param) {
        assertBadRequest(http.post(CHAT, body), param);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing prompt          | {\"model\":\"sim-model\"}",
        "prompt as a number      | {\"prompt\":5}",
        "empty prompt array      | {\"prompt\":[]}",
        "mixed token ids         | {\"prompt\":[1,\"a\"]}",
        "negative token id       | {\"prompt\":[-1]}",
    })
    void rejectsMalformedCompletionRequestsWith400(String name, String body) {
        assertBadRequest(http.post(COMPLETIONS, body), "prompt");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "lone continuation byte, 80",
        "truncated two-byte sequence, C3",
        "overlong slash, C0AF",
        "UTF-16 surrogate, EDA080",
        "above U+10FFFF, F4908080",
        "invalid lead byte, FF",
    })
    void rejectsInvalidUtf8With400(String name, String hex) {
        byte[] head = "{\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = java.util.HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        byte[] tail = "\"}]}".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(bad, 0, body, head.length, bad.length);
        System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);

        HttpResponse<String> response = http.postBytes(CHAT, body);

        assertBadRequest(response, null);
        assertThat(json(response).path("error").path("message").asText()).contains("UTF-8");
    }

    @Test
    void acceptsValidMultiByteUtf8() {
        HttpResponse<String> response = http.postBytes(CHAT,
                chatBody("").replace("Hello", "Grüße 你好 🚀").getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void answersBodyOverTheLimitWith413() {
        String big = chatBody("\"user\":\"" + "x".repeat(BODY_LIMIT) + "\"");

        HttpResponse<String> response = http.post(CHAT, big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response).path("error").path("code").asInt()).isEqualTo(413);
        assertThat(json(response).path("error").path("message").asText()).contains(String.valueOf(BODY_LIMIT));
    }

    @Test
    void answersChunkedBodyOverTheLimitWith413() {
        byte[] big = chatBody("\"user\":\"" + "x".repeat(BODY_LIMIT) + "\"").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = http.request(CHAT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();

        assertThat(http.send(request).statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsABodyExactlyAtTheLimit() {
        String base = chatBody("\"user\":\"\"");
        String padded = chatBody("\"user\":\"" + "x".repeat(BODY_LIMIT - base.length()) + "\"");
        assertThat(padded).hasSize(BODY_LIMIT);

        assertThat(http.post(CHAT, padded).statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsPromptAndMaxTokensBeyondTheContextLength() {
        HttpResponse<String> tooLong = http.post(COMPLETIONS, "{\"prompt\":\"" + "x".repeat(1200) + "\"}");
        HttpResponse<String> tooMany = http.post(COMPLETIONS, "{\"prompt\":\"hi\",\"max_tokens\":300}");

        assertBadRequest(tooLong, null);
        assertThat(json(tooLong).path("error").path("message").asText()).contains("maximum context length is 256");
        assertBadRequest(tooMany, null);
    }

    @Test
    void cutsOutputAtTheContextLengthWhenMaxTokensIsAbsent() {
        // 1000 bytes -> 250 tokens + BOS = 251; 5 tokens of room before 256.
        JsonNode body = json(http.post(COMPLETIONS, "{\"prompt\":\"" + "x".repeat(1000) + "\"}"));

        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void refusesAnswersTooLargeToBuildInsteadOfExhaustingTheHeap() {
        try (VllmSimulator large = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1)
                .withMaxModelLen(2_000_000))) {
            HttpResponse<String> response = new SimHttp(large).post(COMPLETIONS, "{\"prompt\":[1],\"n\":128}",
                    "x-sim-output-tokens", "1000000");

            assertBadRequest(response, "n");
        }
    }

    @Test
    void rejectsMalformedSimulatorHeadersWith400() {
        assertBadRequest(http.post(CHAT, chatBody(""), "x-sim-ttft-ms", "soon"), "x-sim-ttft-ms");
        assertBadRequest(http.post(CHAT, chatBody(""), "x-sim-fail", "explode"), "x-sim-fail");
        assertBadRequest(http.post(CHAT, chatBody(""), "x-sim-output-tokens", "0"), "x-sim-output-tokens");
    }

    @Test
    void answersUnknownRoutesAndWrongMethodsLikeFastApi() {
        HttpResponse<String> unknown = http.get("/v1/nothing");
        HttpResponse<String> wrongMethod = http.get(CHAT);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("detail").asText()).isEqualTo("Not Found");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void neverAnswers500ToRandomGarbage() {
        Random random = new Random(1234);
        for (int i = 0; i < 200; i++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            if (i % 2 == 0 && body.length > 0) {
                body[0] = '{';
            }
            HttpResponse<String> response = http.postBytes(i % 3 == 0 ? COMPLETIONS : CHAT, body);
            assertThat(response.statusCode()).as("garbage body #%d", i).isEqualTo(400);
        }
    }

    private static void assertBadRequest(HttpResponse<String> response, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response).path("error");
        assertThat(error.path("type").asText()).isEqualTo("BadRequestError");
        assertThat(error.path("code").asInt()).isEqualTo(400);
        assertThat(error.path("message").asText()).isNotBlank();
        if (param == null) {
            assertThat(error.has("param")).isTrue();
        } else {
            assertThat(error.path("param").asText()).isEqualTo(param);
        }
    }
}
