package dev.tollgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseScanTest {

    private static final String VLLM = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"llama\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"usage: \\\"finish_reason\\\" is in the text\",\"tool_calls\":[]},\"logprobs\":null,"
            + "\"finish_reason\":\"length\",\"stop_reason\":null},{\"index\":1,\"message\":{\"content\":\"b\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":28,"
            + "\"completion_tokens\":16,\"prompt_tokens_details\":{\"cached_tokens\":4}}}";

    @Test
    void readsUsageAndTheFirstChoicesFinishReasonWithoutBeingFooledByTheText() {
        ResponseScan scan = ResponseScan.of(bytes(VLLM));

        assertThat(scan.usage()).isEqualTo(new TokenUsage(12, 16, 4, false));
        assertThat(scan.finishReason()).isEqualTo("length");
    }

    @Test
    void readsTheModelThatAnsweredOnlyWhenItIsAString() {
        assertThat(ResponseScan.of(bytes(VLLM)).model()).isEqualTo("llama");
        assertThat(ResponseScan.of(bytes("{\"model\":{\"name\":\"x\"},\"choices\":[]}")).model()).isNull();
        assertThat(ResponseScan.of(bytes("{\"choices\":[]}")).model()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        VLLM,
        "{\"choices\":[],\"usage\":null}",
        "{\"usage\":{\"prompt_tokens\":\"7\",\"completion_tokens\":2.9}}",
        "{\"usage\":{\"completion_tokens\":3}}",
        "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":-1}}",
        "{\"usage\":[1,2],\"choices\":{\"finish_reason\":\"stop\"}}",
        "{\"choices\":[{\"finish_reason\":7}],\"usage\":{\"prompt_tokens\":1}}",
        "{\"choices\":[\"x\",{\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[{\"finish_reason\":\"stop\"}],\"choices\":5}",
        "{\"usage\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":2}}",
        "{\"model\":7,\"choices\":[]}",
        "{\"model\":\"a\",\"model\":\"b\"}",
        "[1,2,3]",
        "\"just a string\"",
        "{\"a\":1} trailing",
    })
    void agreesWithReadingTheWholeTree(String body) throws Exception {
        var tree = RequestParser.MAPPER.readTree(body);
        var reason = tree.path("choices").path(0).path("finish_reason");

        ResponseScan scan = ResponseScan.of(bytes(body));

        assertThat(scan).isNotNull();
        assertThat(scan.usage()).isEqualTo(UsageParser.fromResponse(tree));
        assertThat(scan.finishReason()).isEqualTo(reason.isTextual() ? reason.asText() : null);
        assertThat(scan.model()).isEqualTo(tree.path("model").isTextual() ? tree.path("model").asText() : null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"usage\":{\"prompt_tokens\":1}", "{\"choices\":[{]}"})
    void saysSoWhenTheAnswerIsNotJson(String body) {
        assertThat(ResponseScan.of(bytes(body))).isNull();
    }

    @Test
    void readsTheGeneratedTextOnlyWhenAskedAndFromEveryChoice() {
        assertThat(AnswerUsage.generatedText(bytes(VLLM))).isEqualTo("usage: \"finish_reason\" is in the textb");
        assertThat(AnswerUsage.generatedText(bytes("{\"choices\":[{\"text\":\"plain\"}]}"))).isEqualTo("plain");
        assertThat(AnswerUsage.generatedText(bytes("not json"))).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
