package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.CHAT;
import static dev.tollgate.local.vllm.SimHttp.chatBody;
import static dev.tollgate.local.vllm.SimHttp.json;
import static dev.tollgate.local.vllm.SimHttp.metric;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelsHealthMetricsTest {

    private static final String RUNNING = "vllm:num_requests_running{model_name=\"sim-model\"}";
    private static final String WAITING = "vllm:num_requests_waiting{model_name=\"sim-model\"}";
    private static final String PROMPT = "vllm:prompt_tokens_total{model_name=\"sim-model\"}";
    private static final String GENERATION = "vllm:generation_tokens_total{model_name=\"sim-model\"}";
    private static final String SUCCESS_STOP =
            "vllm:request_success_total{finished_reason=\"stop\",model_name=\"sim-model\"}";
    private static final String SUCCESS_LENGTH =
            "vllm:request_success_total{finished_reason=\"length\",model_name=\"sim-model\"}";

    @Test
    void listsEveryServedNameAsAVllmModelCard() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1)
                .withServedModelNames("main", "alias").withMaxModelLen(4096))) {
            JsonNode body = json(new SimHttp(simulator).get("/v1/models"));

            assertThat(body.path("object").asText()).isEqualTo("list");
            assertThat(body.path("data")).extracting(m -> m.path("id").asText()).containsExactly("main", "alias");
            JsonNode card = body.path("data").get(1);
            assertThat(card.path("object").asText()).isEqualTo("model");
            assertThat(card.path("owned_by").asText()).isEqualTo("vllm");
            assertThat(card.path("root").asText()).isEqualTo("main");
            assertThat(card.path("max_model_len").asInt()).isEqualTo(4096);
            assertThat(card.path("created").asLong()).isPositive();
        }
    }

    @Test
    void answersHealthWith200AndAnEmptyBody() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1))) {
            HttpResponse<String> response = new SimHttp(simulator).get("/health");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEmpty();
        }
    }

    @Test
    void countsPromptAndGenerationTokensAndSuccessesOfServedTraffic() {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(1)
                .withOutputTokens(6))) {
            SimHttp http = new SimHttp(simulator);
            String before = http.get("/metrics").body();
            assertThat(metric(before, GENERATION)).isZero();

            int prompt1 = json(http.post(CHAT, chatBody(""))).path("usage").path("prompt_tokens").asInt();
            int prompt2 = json(http.post(CHAT, chatBody("\"max_tokens\":2"))).path("usage").path("prompt_tokens")
                    .asInt();
            http.post(CHAT, chatBody("\"stream\":true"));
            HttpResponse<String> metrics = http.get("/metrics");

            assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            String text = metrics.body();
            assertThat(metric(text, GENERATION)).isEqualTo(6 + 2 + 6);
            assertThat(metric(text, PROMPT)).isEqualTo(prompt1 + prompt2 + prompt1);
            assertThat(metric(text, SUCCESS_STOP)).isEqualTo(2);
            assertThat(metric(text, SUCCESS_LENGTH)).isEqualTo(1);
            assertThat(metric(text, RUNNING)).isZero();
            assertThat(text).contains("# TYPE vllm:prompt_tokens_total counter")
                    .contains("# TYPE vllm:num_requests_running gauge")
                    .contains("vllm:gpu_cache_usage_perc{model_name=\"sim-model\"}");
        }
    }

    @Test
    void reportsRunningAndWaitingRequestsBeyondMaxNumSeqs() throws Exception {
        try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(2)
                .withMaxNumSeqs(1).withTimeToFirstToken(Duration.ofMillis(600)))) {
            SimHttp http = new SimHttp(simulator);
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                HttpRequest request = http.request(CHAT).POST(HttpRequest.BodyPublishers.ofString(chatBody("")))
                        .build();
                inFlight.add(http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            String during = http.get("/metrics").body();
            while (metric(during, WAITING) < 2 && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500)) {
                Thread.sleep(10);
                during = http.get("/metrics").body();
            }
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String after = http.get("/metrics").body();

            assertThat(metric(during, RUNNING)).isEqualTo(1);
            assertThat(metric(during, WAITING)).isEqualTo(2);
            assertThat(metric(during, "vllm:gpu_cache_usage_perc{model_name=\"sim-model\"}")).isEqualTo(1.0);
            // Served one after another: the last answer comes at least 3 x 600 ms after the first send.
            assertThat(elapsedMs).isGreaterThanOrEqualTo(1_800);
            assertThat(metric(after, RUNNING)).isZero();
            assertThat(metric(after, WAITING)).isZero();
        }
    }
}
