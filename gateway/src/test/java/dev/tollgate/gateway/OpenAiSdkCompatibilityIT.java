package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.core.JsonValue;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.models.models.ModelListPage;
import dev.tollgate.gateway.auth.KeyStore;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK, unchanged, against the gateway: chat and legacy completions, streaming,
 * embeddings, the model list, and the SDK's own exception types for the gateway's errors.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class OpenAiSdkCompatibilityIT {

    @TestHTTPResource("/v1")
    URL baseUrl;

    private OpenAIClient client;
    @Inject
    KeyStore keys;

    @BeforeEach
    void client() {
        client = sdk(ChatCompletionsIT.KEY);
    }

    @Test
    void completesAChatWithTheOfficialSdk() {
        ChatCompletion completion = client.chat().completions().create(params().build());

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(c -> assertThat(c).isNotBlank());
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    }

    @Test
    void streamsAChatWithTheOfficialSdk() {
        String text;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params().build())) {
            text = stream.stream().flatMap(chunk -> chunk.choices().stream())
                    .map(choice -> choice.delta().content().orElse("")).collect(Collectors.joining());
        }

        assertThat(text).isNotBlank();
    }

    @Test
    void completesALegacyPromptWithTheOfficialSdk() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model(VllmSimulatorResource.MODEL).prompt("Once upon a time").maxTokens(8).build());

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).text()).isNotBlank();
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    }

    @Test
    void embedsWithTheOfficialSdk() {
        CreateEmbeddingResponse embeddings = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(VllmSimulatorResource.MODEL).input("a sentence to embed").build());

        assertThat(embeddings.data()).hasSize(1);
        assertThat(embeddings.data().get(0).embedding()).isNotEmpty();
        assertThat(embeddings.usage().promptTokens()).isPositive();
    }

    @Test
    void listsModelsWithTheOfficialSdk() {
        ModelListPage page = client.models().list();

        assertThat(page.data()).extracting(Model::id).contains(VllmSimulatorResource.MODEL);
        assertThat(page.data()).extracting(Model::ownedBy).containsOnly("tollgate");
    }

    @Test
    void reportsABadKeyAsTheSdksUnauthorizedException() {
        OpenAIClient wrong = sdk("tg_not_a_key");

        assertThatThrownBy(() -> wrong.chat().completions().create(params().build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.code()).contains("invalid_api_key");
                });
    }

    @Test
    void reportsAnUnknownModelAsTheSdksNotFoundException() {
        assertThatThrownBy(() -> client.chat().completions().create(params().model("no-such-model").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                });
    }

    @Test
    void reportsAnInvalidParameterAsTheSdksBadRequestException() {
        var invalid = params().putAdditionalBodyProperty("temperature", JsonValue.from("hot")).build();

        assertThatThrownBy(() -> client.chat().completions().create(invalid))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("temperature"));
    }

    @Test
    void reportsAModelTheKeyMayNotUseAsTheSdksPermissionDeniedException() {
        String key = "tg_it_sdk_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("sdk-" + UUID.randomUUID(), "it-org", null, Set.of("some-other-model")));

        assertThatThrownBy(() -> sdk(key).chat().completions().create(params().build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.code()).contains("model_not_allowed");
                });
    }

    @Test
    void reportsARateLimitAsTheSdksRateLimitException() {
        String key = "tg_it_sdk_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("sdk-" + UUID.randomUUID(), "it-org", null, Set.of(), 1L, null));
        OpenAIClient limited = sdk(key);
        limited.chat().completions().create(params().build());

        assertThatThrownBy(() -> limited.chat().completions().create(params().build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).contains("rate_limit_exceeded");
                    assertThat(e.headers().values("retry-after")).isNotEmpty();
                });
    }

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl.toString()).apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model(VllmSimulatorResource.MODEL).addUserMessage("Say hello")
                .maxCompletionTokens(8);
    }
}
