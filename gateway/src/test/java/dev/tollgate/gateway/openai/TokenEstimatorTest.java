package dev.tollgate.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TokenEstimatorTest {

    @Test
    void countsAStringPromptWithTheTokenizerAndNoChatFraming() {
        long hello = TokenEstimator.count("hello world");

        assertThat(hello).isEqualTo(2);
        assertThat(TokenEstimator.promptTokens(request(OpenAiApi.COMPLETIONS, "{\"prompt\":\"hello world\"}")))
                .isEqualTo(hello);
    }

    @Test
    void sumsAnArrayOfStrings() {
        assertThat(TokenEstimator.promptTokens(request(OpenAiApi.EMBEDDINGS, "{\"input\":[\"hello world\",\"hello\"]}")))
                .isEqualTo(TokenEstimator.count("hello world") + TokenEstimator.count("hello"));
    }

    @Test
    void countsTokenIdArraysByTheirLength() {
        assertThat(TokenEstimator.promptTokens(request(OpenAiApi.COMPLETIONS, "{\"prompt\":[11,22,33,44,55]}")))
                .isEqualTo(5);
        assertThat(TokenEstimator.promptTokens(request(OpenAiApi.EMBEDDINGS, "{\"input\":[[1,2,3],[4,5]]}")))
                .isEqualTo(5);
    }

    @Test
    void addsMessageAndReplyFramingForChat() {
        ApiRequest chat = request(OpenAiApi.CHAT_COMPLETIONS,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}");

        assertThat(TokenEstimator.promptTokens(chat)).isEqualTo(3 + 4 + TokenEstimator.count("user")
                + TokenEstimator.count("hello world"));
    }

    @Test
    void estimatesUsageAsEstimatedWithTheGeneratedText() {
        var usage = TokenEstimator.estimate(request(OpenAiApi.COMPLETIONS, "{\"prompt\":\"hello\"}"), "hello world");

        assertThat(usage.promptTokens()).isEqualTo(1);
        assertThat(usage.completionTokens()).isEqualTo(2);
        assertThat(usage.estimated()).isTrue();
    }

    private static ApiRequest request(OpenAiApi api, String json) {
        try {
            ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree(json);
            return new ApiRequest(api, body, "m", false, false, null, null, 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
