package dev.tollgate.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing of {@code /v1/completions} and {@code /v1/embeddings} bodies: the prompt forms and the API's rules. */
class PromptRequestParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "string|\"once upon a time\"|1",
        "empty string|\"\"|1",
        "array of strings|[\"a\",\"b\",\"c\"]|3",
        "token ids|[1,2,3,4]|1",
        "arrays of token ids|[[1,2],[3]]|2",
    })
    void acceptsEveryPromptFormOfTextCompletions(String name, String prompt, int count) {
        var parsed = parse(OpenAiApi.COMPLETIONS, "{\"model\":\"m\",\"prompt\":" + prompt + ",\"max_tokens\":5,"
                + "\"best_of\":2}");

        assertThat(parsed).as(name).isInstanceOf(RequestParser.Valid.class);
        ApiRequest request = ((RequestParser.Valid) parsed).request();
        assertThat(request.api()).isEqualTo(OpenAiApi.COMPLETIONS);
        assertThat(request.messageCount()).isEqualTo(count);
        assertThat(request.maxTokens()).isEqualTo(5L);
        assertThat(request.body().get("best_of").asInt()).as("unknown fields pass through").isEqualTo(2);
    }

    @Test
    void acceptsStreamingCompletionsAndNotesTheUsageRequest() {
        var parsed = (RequestParser.Valid) parse(OpenAiApi.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"x\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(parsed.request().stream()).isTrue();
        assertThat(parsed.request().includeUsage()).isTrue();
    }

    @Test
    void acceptsEmbeddingsInputAndNeverReservesOutputTokens() {
        var parsed = (RequestParser.Valid) parse(OpenAiApi.EMBEDDINGS, "{\"model\":\"m\",\"input\":[\"a\",\"b\"],"
                + "\"encoding_format\":\"float\",\"max_tokens\":9}");

        assertThat(parsed.request().api()).isEqualTo(OpenAiApi.EMBEDDINGS);
        assertThat(parsed.request().messageCount()).isEqualTo(2);
        assertThat(parsed.request().maxTokens()).isNull();
        assertThat(parsed.request().promptField()).isEqualTo("input");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "completions without prompt|COMPLETIONS|{\"model\":\"m\"}|prompt",
        "completions null prompt|COMPLETIONS|{\"model\":\"m\",\"prompt\":null}|prompt",
        "completions numeric prompt|COMPLETIONS|{\"model\":\"m\",\"prompt\":5}|prompt",
        "completions empty array|COMPLETIONS|{\"model\":\"m\",\"prompt\":[]}|prompt",
        "completions mixed array|COMPLETIONS|{\"model\":\"m\",\"prompt\":[\"a\",1]}|prompt",
        "completions negative token|COMPLETIONS|{\"model\":\"m\",\"prompt\":[1,-2]}|prompt",
        "completions empty token array|COMPLETIONS|{\"model\":\"m\",\"prompt\":[[1],[]]}|prompt",
        "completions object prompt|COMPLETIONS|{\"model\":\"m\",\"prompt\":{\"text\":\"x\"}}|prompt",
        "completions messages instead|COMPLETIONS|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}|prompt",
        "completions bad max_tokens|COMPLETIONS|{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":0}|max_tokens",
        "completions missing model|COMPLETIONS|{\"prompt\":\"x\"}|model",
        "embeddings without input|EMBEDDINGS|{\"model\":\"m\"}|input",
        "embeddings boolean input|EMBEDDINGS|{\"model\":\"m\",\"input\":true}|input",
        "embeddings nested strings|EMBEDDINGS|{\"model\":\"m\",\"input\":[[\"a\"]]}|input",
        "embeddings streaming|EMBEDDINGS|{\"model\":\"m\",\"input\":\"x\",\"stream\":true}|stream",
        "embeddings user not string|EMBEDDINGS|{\"model\":\"m\",\"input\":\"x\",\"user\":1}|user",
    })
    void rejectsMalformedPromptsWithTheFieldAtFault(String name, OpenAiApi api, String body, String param) {
        var parsed = parse(api, body);

        assertThat(parsed).as(name).isInstanceOf(RequestParser.Invalid.class);
        OpenAiError error = ((RequestParser.Invalid) parsed).error();
        assertThat(error.code()).as(name).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(error.param()).as(name).isEqualTo(param);
    }

    @Test
    void chatStillRequiresMessagesNotAPrompt() {
        var parsed = parse(OpenAiApi.CHAT_COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"x\"}");

        assertThat(((RequestParser.Invalid) parsed).error().param()).isEqualTo("messages");
    }

    private static RequestParser.Parsed parse(OpenAiApi api, String body) {
        return RequestParser.parse(api, body.getBytes(StandardCharsets.UTF_8));
    }
}
