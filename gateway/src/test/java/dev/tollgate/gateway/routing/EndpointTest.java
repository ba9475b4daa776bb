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

    @ParameterizedTest
    @CsvSource({
        "https://api.openai.com/v1,                                 /v1/chat/completions,  /v1/models",
        "https://api.together.xyz/v1/,                              /v1/chat/completions,  /v1/models",
        "https://openrouter.ai/api/v1,                              /api/v1/chat/completions, /api/v1/models",
        "https://generativelanguage.googleapis.com/v1beta/openai/,  /v1beta/openai/chat/completions,"
            + " /v1beta/openai/models",
        "http://localhost:11434/v1,                                 /v1/chat/completions,  /v1/models",
    })
    void putsTheApiPathUnderAProvidersDocumentedApiRoot(String base, String chat, String models) {
        Endpoint endpoint = new Endpoint("e", "m", URI.create(base), new Price(0, 0, 1));

        assertThat(endpoint.path("/v1/chat/completions")).isEqualTo(chat);
        assertThat(endpoint.path("/v1/models")).isEqualTo(models);
    }

    @ParameterizedTest
    @CsvSource({
        "http://vllm:8000,        /health",
        "http://vllm:8000/v1,     /health",
        "http://gw/team-a/v1/,    /team-a/health",
        "http://gw/openai,        /openai/health",
    })
    void putsServerPathsUnderTheServersRootEvenWhenTheBaseIsAnApiRoot(String base, String health) {
        Endpoint endpoint = new Endpoint("e", "m", URI.create(base), new Price(0, 0, 1));

        assertThat(endpoint.path("/health")).isEqualTo(health);
    }

    @ParameterizedTest
    @CsvSource({"http://gw/v,  /v/v1/models", "http://gw/vx1,  /vx1/v1/models", "http://gw/v1-b,  /v1-b/v1/models",
        "http://gw/x/openai,  /x/openai/v1/models"})
    void treatsPathsThatOnlyLookLikeVersionsAsServerRoots(String base, String models) {
        Endpoint endpoint = new Endpoint("e", "m", URI.create(base), new Price(0, 0, 1));

        assertThat(endpoint.path("/v1/models")).isEqualTo(models);
    }
}
