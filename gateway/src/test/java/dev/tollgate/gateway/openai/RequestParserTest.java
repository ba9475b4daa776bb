package dev.tollgate.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestParserTest {

    @Test
    void acceptsAMinimalChatRequestAndKeepsUnknownFields() {
        var parsed = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":7,\"top_k\":5,\"user\":\"u1\"}");

        assertThat(parsed).isInstanceOf(RequestParser.Valid.class);
        ApiRequest request = ((RequestParser.Valid) parsed).request();
        assertThat(request.model()).isEqualTo("m");
        assertThat(request.maxTokens()).isEqualTo(7L);
        assertThat(request.user()).isEqualTo("u1");
        assertThat(request.stream()).isFalse();
        assertThat(request.body().get("top_k").asInt()).isEqualTo(5);
    }

    @Test
    void prefersMaxCompletionTokensOverMaxTokens() {
        var parsed = (RequestParser.Valid) parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],"
                + "\"max_tokens\":7,\"max_completion_tokens\":9}");

        assertThat(parsed.request().maxTokens()).isEqualTo(9L);
    }

    @Test
    void notesWhetherTheClientAskedForTheUsageChunk() {
        var asked = (RequestParser.Valid) parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
        var notAsked = (RequestParser.Valid) parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"stream\":true}");

        assertThat(asked.request().includeUsage()).isTrue();
        assertThat(notAsked.request().stream()).isTrue();
        assertThat(notAsked.request().includeUsage()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty body||invalid_json|",
        "truncated|{\"model\":|invalid_json|",
        "not an object|[1,2]|invalid_request|",
        "missing model|{\"messages\":[{\"role\":\"user\"}]}|invalid_request|model",
        "model not a string|{\"model\":5,\"messages\":[{\"role\":\"user\"}]}|invalid_request|model",
        "missing messages|{\"model\":\"m\"}|invalid_request|messages",
        "empty messages|{\"model\":\"m\",\"messages\":[]}|invalid_request|messages",
        "message without role|{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}|invalid_request|messages",
        "stream not boolean|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}|invalid_request|stream",
        "negative max_tokens|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"max_tokens\":-1}|invalid_request|max_tokens",
        "fractional max_tokens|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"max_tokens\":1.5}|invalid_request|max_tokens",
        "temperature not number|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"temperature\":\"hot\"}|invalid_request|temperature",
        "n zero|{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"n\":0}|invalid_request|n",
    })
    void rejectsMalformedRequestsWithAFieldSpecificError(String name, String body, String code, String param) {
        var parsed = parse(body == null ? "" : body);

        assertThat(parsed).as(name).isInstanceOf(RequestParser.Invalid.class);
        OpenAiError error = ((RequestParser.Invalid) parsed).error();
        assertThat(error.code().code()).isEqualTo(code);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo(param);
    }

    @Test
    void rejectsInvalidUtf8WithItsOwnCode() {
        byte[] body = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        var parsed = RequestParser.chat(body);

        assertThat(((RequestParser.Invalid) parsed).error().code()).isEqualTo(ErrorCode.INVALID_UTF8);
    }

    @Test
    void rejectsHostileNestingWithoutAStackOverflow() {
        String deep = "[".repeat(100_000);

        var parsed = parse("{\"model\":\"m\",\"messages\":" + deep + "}");

        assertThat(((RequestParser.Invalid) parsed).error().code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    private static RequestParser.Parsed parse(String body) {
        return RequestParser.chat(body.getBytes(StandardCharsets.UTF_8));
    }
}
