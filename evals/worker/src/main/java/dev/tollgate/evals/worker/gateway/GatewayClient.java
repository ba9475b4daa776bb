package dev.tollgate.evals.worker.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.evals.worker.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Calls the gateway's OpenAI API with the worker's own key, asynchronously: a dataset run's requests and a
 * judge's calls go through the gateway like any client's, so they are authenticated, rate-limited, budgeted and
 * metered. The eval headers mark them ({@code x-tollgate-eval-run}, {@code x-tollgate-eval-example},
 * {@code x-tollgate-eval-judge}) so the scoring topology can tell them apart. The key is never logged.
 */
@ApplicationScoped
public class GatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private final String authorization;
    private final Duration timeout;

    @Inject
    GatewayClient(WorkerConfig config) {
        this(URI.create(config.gateway().url().replaceAll("/+$", "")), config.gateway().apiKey(),
                config.gateway().timeout());
    }

    /** For tests: a client of {@code base} with {@code apiKey}. */
    public GatewayClient(URI base, String apiKey, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.authorization = "Bearer " + apiKey;
        this.timeout = timeout;
    }

    /**
     * What the gateway answered.
     *
     * @param status the HTTP status
     * @param body   the body, parsed when it is JSON, else null
     * @param raw    the body as text, for error messages (never logged with content)
     */
    public record Answer(int status, JsonNode body, String raw) {

        /** Whether a retry may succeed: the gateway or the model was busy or failing, not the request wrong. */
        public boolean retryable() {
            return status == 429 || status >= 500;
        }

        /** The OpenAI error code of an error answer, or the status. */
        public String errorCode() {
            JsonNode code = body == null ? null : body.path("error").path("code");
            return code != null && code.isTextual() ? code.asText() : "http_" + status;
        }
    }

    /** POSTs {@code body} to {@code /v1/chat/completions} with {@code headers}. */
    public CompletableFuture<Answer> chat(JsonNode body, Map<String, String> headers) {
        return post("/v1/chat/completions", body, headers);
    }

    /** POSTs {@code body} to {@code /v1/embeddings} with {@code headers}. */
    public CompletableFuture<Answer> embeddings(JsonNode body, Map<String, String> headers) {
        return post("/v1/embeddings", body, headers);
    }

    private CompletableFuture<Answer> post(String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(response -> new Answer(response.statusCode(), parse(response.body()), response.body()));
    }

    private static JsonNode parse(String text) {
        try {
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        } catch (IOException notJson) {
            return null;
        }
    }
}
