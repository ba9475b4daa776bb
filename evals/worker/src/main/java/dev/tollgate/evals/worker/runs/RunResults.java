package dev.tollgate.evals.worker.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.evals.worker.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the streams app how far a run is scored: {@code GET /v1/evals/runs/{id}}, which the streams app routes to
 * the instance that owns the run. Empty while the streams app does not know the run yet, or cannot answer (503).
 */
@ApplicationScoped
public class RunResults {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    @Inject
    RunResults(WorkerConfig config) {
        this(config.streams().url());
    }

    RunResults(String base) {
        this.base = base.replaceAll("/+$", "");
    }

    /** The streams app's answer for the run, if it gave a 200. */
    public Optional<JsonNode> get(String runId) throws InterruptedException {
        URI uri = URI.create(base + "/v1/evals/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
