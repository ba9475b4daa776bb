package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @ParameterizedTest
    @CsvSource({
        "http://vllm:8000,              /v1/chat/completions",
        "http://vllm:8000/,             /v1/chat/completions",
        "http://gw:80/openai,           /openai/v1/chat/completions",
        "http://gw:80/openai///,        /openai/v1/chat/completions",
        "https://gw/a/b/,               /a/b/v1/chat/completions",
    })
    void putsTheApiPathUnderTheBasePathWithoutDoubleSlashes(String base, String expected) {
        Endpoint endpoint = new Endpoint("e", "m", URI.create(base), new Price(0, 0, 1));

        assertThat(endpoint.path("/v1/chat/completions")).isEqualTo(expected)
                .isEqualTo(URI.create(base).getPath().replaceAll("/+$", "") + "/v1/chat/completions");
    }
}
