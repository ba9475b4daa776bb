package dev.tollgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import org.junit.jupiter.api.Test;

class EligibilityTest {

    private static String whyNot(OpenAiApi api, String body) {
        RequestParser.Parsed parsed = RequestParser.parse(api, body.getBytes());
        assertThat(parsed).isInstanceOf(RequestParser.Valid.class);
        ApiRequest request = ((RequestParser.Valid) parsed).request();
        return Eligibility.whyNot(request);
    }

    private static String chat(String extra) {
        return "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    @Test
    void aPolicyCachesAChatAtTemperatureZero() {
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(",\"temperature\":0"))).isNull();
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(",\"temperature\":0,\"n\":3"))).isNull();
    }

    @Test
    void samplingIsNotCachedByAPolicy() {
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(""))).isEqualTo("sampling");
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(",\"temperature\":0.7"))).isEqualTo("sampling");
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(",\"temperature\":1,\"n\":4"))).isEqualTo("sampling");
    }

    @Test
    void toolsAreNotCachedByAPolicy() {
        assertThat(whyNot(OpenAiApi.CHAT_COMPLETIONS, chat(",\"temperature\":0,\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"send_mail\"}}]"))).isEqualTo("tools");
    }

    @Test
    void embeddingsAreAlwaysEligible() {
        assertThat(whyNot(OpenAiApi.EMBEDDINGS, "{\"model\":\"e5\",\"input\":\"hello\"}")).isNull();
    }
}
