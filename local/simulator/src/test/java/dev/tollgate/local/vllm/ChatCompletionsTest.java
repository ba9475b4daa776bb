package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.CHAT;
import static dev.tollgate.local.vllm.SimHttp.chatBody;
import static dev.tollgate.local.vllm.SimHttp.events;
import static dev.tollgate.local.vllm.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChatCompletionsTest {

    private static VllmSimulator simulator;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        simulator = VllmSimulator.start(SimulatorConfig.defaults()
                .withEventLoops(2)
                .withOutputTokens(5)
                .withServedModelNames("sim-model", "sim-alias"));
        http = new SimHttp(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void answersNonStreamingChatInVllmShape() {
        HttpResponse<String> response = http.post(CHAT, chatBody(""));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = json(response);
        assertThat(body.path("id").asText()).matches("chatcmpl-[0-9a-f]{32}");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isGreaterThan(1_600_000_000L);
        assertThat(body.path("model").asText()).isEqualTo("sim-model");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText().split(" ")).hasSize(5);
        assertThat(choice.has("logprobs")).isTrue();
        assertThat(choice.path("logprobs").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.path("prompt_tokens").asInt()).isPositive();
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
    }

    @Test
    void cutsOutputAtMaxTokensWithFinishReasonLength() {
        JsonNode body = json(http.post(CHAT, chatBody("\"max_tokens\":3")));

        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(body.path("choices").get(0).path("message").path("content").asText().split(" ")).hasSize(3);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void prefersMaxCompletionTokensOverMaxTokens() {
        JsonNode body = json(http.post(CHAT, chatBody("\"max_tokens\":4,\"max_completion_tokens\":2")));

        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void keepsFinishReasonStopWhenMaxTokensExceedsTheNaturalLength() {
        JsonNode body = json(http.post(CHAT, chatBody("\"max_tokens\":50")));

        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void returnsNChoicesAndCountsTheirTokens() {
        JsonNode body = json(http.post(CHAT, chatBody("\"n\":3")));

        assertThat(body.path("choices")).hasSize(3);
        assertThat(body.path("choices").get(2).path("index").asInt()).isEqualTo(2);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void sameSeedGivesSameTextAndOtherSeedsDiffer() {
        String first = content(http.post(CHAT, chatBody("\"seed\":11")));
        String again = content(http.post(CHAT, chatBody("\"seed\":11")));
        String other = content(http.post(CHAT, chatBody("\"seed\":12")));

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void usesTheFirstServedNameWhenTheRequestNamesNoModel() {
        String noModel = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        assertThat(json(http.post(CHAT, noModel)).path("model").asText()).isEqualTo("sim-model");
    }

    @Test
    void answersToEveryServedAlias() {
        String alias = "{\"model\":\"sim-alias\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = http.post(CHAT, alias);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("model").asText()).isEqualTo("sim-alias");
    }

    @Test
    void takesTheResponseIdFromTheRequestIdHeader() {
        JsonNode body = json(http.post(CHAT, chatBody(""), "x-request-id", "abc-123"));

        assertThat(body.path("id").asText()).isEqualTo("chatcmpl-abc-123");
    }

    @Test
    void acceptsContentPartsAndCountsTheirText() {
        String parts = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(400) + "\"}]}]}";

        JsonNode body = json(http.post(CHAT, parts));

        // 400 ASCII bytes / 4 + one message (4) + reply priming (3).
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(107);
    }

    @Test
    void streamsRoleChunkThenOneTokenPerChunkThenDone() {
        HttpResponse<String> response = http.post(CHAT, chatBody("\"stream\":true"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<String> events = events(response.body());
        assertThat(events).hasSize(1 + 5 + 1);
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        JsonNode first = json(events.get(0));
        assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        String id = first.path("id").asText();
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            JsonNode chunk = json(events.get(i));
            assertThat(chunk.path("id").asText()).isEqualTo(id);
            assertThat(chunk.has("usage")).as("usage absent without include_usage").isFalse();
            JsonNode choice = chunk.path("choices").get(0);
            assertThat(choice.path("delta").has("role")).isFalse();
            text.append(choice.path("delta").path("content").asText());
            String finish = choice.path("finish_reason").isNull() ? null : choice.path("finish_reason").asText();
            assertThat(finish).isEqualTo(i == 5 ? "stop" : null);
        }
        assertThat(text.toString().split(" ")).hasSize(5);
    }

    @Test
    void streamedTextEqualsTheNonStreamedTextForTheSameSeed() {
        String whole = content(http.post(CHAT, chatBody("\"seed\":5")));
        List<String> events = events(http.post(CHAT, chatBody("\"seed\":5,\"stream\":true")).body());

        StringBuilder streamed = new StringBuilder();
        for (String event : events.subList(1, events.size() - 1)) {
            streamed.append(json(event).path("choices").get(0).path("delta").path("content").asText());
        }
        assertThat(streamed.toString()).isEqualTo(whole);
    }

    @Test
    void sendsUsageChunkOnlyWhenIncludeUsageIsSet() {
        List<String> without = events(http.post(CHAT,
                chatBody("\"stream\":true,\"stream_options\":{\"include_usage\":false}")).body());
        List<String> with = events(http.post(CHAT,
                chatBody("\"stream\":true,\"stream_options\":{\"include_usage\":true}")).body());

        assertThat(without).noneMatch(e -> e.contains("\"usage\""));
        assertThat(with).hasSize(without.size() + 1);
        JsonNode usageChunk = json(with.get(with.size() - 2));
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
        for (String event : with.subList(0, with.size() - 2)) {
            JsonNode chunk = json(event);
            assertThat(chunk.has("usage")).isTrue();
            assertThat(chunk.path("usage").isNull()).isTrue();
        }
    }

    @Test
    void streamsLengthFinishWhenMaxTokensCuts() {
        List<String> events = events(http.post(CHAT, chatBody("\"stream\":true,\"max_tokens\":2")).body());

        assertThat(events).hasSize(1 + 2 + 1);
        assertThat(json(events.get(2)).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void streamsEveryChoiceOfN() {
        List<String> events = events(http.post(CHAT, chatBody("\"stream\":true,\"n\":2")).body());

        assertThat(events).hasSize(2 * (1 + 5) + 1);
        assertThat(events.subList(0, events.size() - 1))
                .extracting(e -> json(e).path("choices").get(0).path("index").asInt())
                .containsOnly(0, 1);
    }

    private static String content(HttpResponse<String> response) {
        return json(response).path("choices").get(0).path("message").path("content").asText();
    }

    @Test
    void answersARequestForAJsonObjectWithAJudgesObject() throws Exception {
        HttpResponse<String> response = http.post(CHAT, "{\"model\":\"sim-model\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Rate this\"}],\"response_format\":{\"type\":\"json_object\"}}");

        JsonNode content = judged(response);
        assertThat(content.path("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(content.path("reasoning").asText().split(" ")).hasSize(4);
    }

    @Test
    void aJudgesScoreFollowsWhatItJudges() throws Exception {
        Set<Double> scores = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"model\":\"sim-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Rate answer "
                    + i + "\"}],\"response_format\":{\"type\":\"json_object\"}}";
            double score = judged(http.post(CHAT, body)).path("score").asDouble();
            assertThat(judged(http.post(CHAT, body)).path("score").asDouble()).as("the same prompt, the same score")
                    .isEqualTo(score);
            scores.add(score);
        }
        assertThat(scores).as("eight prompts judged").hasSizeGreaterThan(1);
    }

    private static JsonNode judged(HttpResponse<String> response) throws Exception {
        return new ObjectMapper().readTree(content(response));
    }

    @Test
    void twoServedModelsAnswerTheSamePromptDifferently() {
        String first = json(http.post(CHAT, chatBody(""))).path("choices").get(0).path("message").path("content")
                .asText();
        String other = json(http.post(CHAT, "{\"model\":\"sim-alias\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello\"}]}")).path("choices").get(0).path("message").path("content").asText();

        assertThat(other).isNotEqualTo(first);
        assertThat(json(http.post(CHAT, chatBody(""))).path("choices").get(0).path("message").path("content")
                .asText()).isEqualTo(first);
    }
}
