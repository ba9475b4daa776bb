package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.COMPLETIONS;
import static dev.tollgate.local.vllm.SimHttp.events;
import static dev.tollgate.local.vllm.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CompletionsTest {

    private static VllmSimulator simulator;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1).withOutputTokens(4));
        http = new SimHttp(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void answersNonStreamingCompletionInVllmShape() {
        HttpResponse<String> response = http.post(COMPLETIONS, "{\"model\":\"sim-model\",\"prompt\":\"Once upon\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("id").asText()).matches("cmpl-[0-9a-f]{32}");
        assertThat(body.path("object").asText()).isEqualTo("text_completion");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("text").asText().split(" ")).hasSize(4);
        assertThat(choice.path("logprobs").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        // "Once upon" is 9 bytes: 3 tokens, plus BOS.
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void answersEveryPromptOfABatchWithNChoicesEach() {
        JsonNode body = json(http.post(COMPLETIONS, "{\"prompt\":[\"a\",\"b\",\"c\"],\"n\":2,\"max_tokens\":1}"));

        assertThat(body.path("choices")).hasSize(6);
        assertThat(body.path("choices").get(5).path("index").asInt()).isEqualTo(5);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void countsTokenIdPromptsExactly() {
        JsonNode body = json(http.post(COMPLETIONS, "{\"prompt\":[1,2,3,4,5,6,7]}"));

        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void streamsTextCompletionChunksWithoutRoleAndEndsWithDone() {
        List<String> events = events(http.post(COMPLETIONS, "{\"prompt\":\"hi\",\"stream\":true,\"max_tokens\":3}")
                .body());

        assertThat(events).hasSize(3 + 1);
        assertThat(events.get(3)).isEqualTo("[DONE]");
        for (int i = 0; i < 3; i++) {
            JsonNode chunk = json(events.get(i));
            assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
            assertThat(chunk.path("choices").get(0).path("text").asText()).isNotEmpty();
        }
        assertThat(json(events.get(2)).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void sendsUsageChunkForCompletionsWhenIncludeUsageIsSet() {
        List<String> events = events(http.post(COMPLETIONS,
                "{\"prompt\":\"hi\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body());

        JsonNode usage = json(events.get(events.size() - 2));
        assertThat(usage.path("object").asText()).isEqualTo("text_completion");
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }
}
