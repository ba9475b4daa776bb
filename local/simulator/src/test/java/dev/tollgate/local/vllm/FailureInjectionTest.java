package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.CHAT;
import static dev.tollgate.local.vllm.SimHttp.chatBody;
import static dev.tollgate.local.vllm.SimHttp.json;
import static dev.tollgate.local.vllm.SimHttp.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailureInjectionTest {

    private static final FailurePolicy ERRORS_AND_DROPS = new FailurePolicy(0.3, 0, 0.2, 503);

    @Test
    void sameSeedGivesTheSameFailureSequence() {
        List<String> first = outcomes(ERRORS_AND_DROPS, 42, 40);
        List<String> second = outcomes(ERRORS_AND_DROPS, 42, 40);

        assertThat(second).isEqualTo(first);
        assertThat(first).contains("200", "503", "dropped");
    }

    @Test
    void failureSequenceFollowsTheDocumentedDrawOfSeedAndSequenceNumber() {
        List<String> observed = outcomes(ERRORS_AND_DROPS, 42, 40);

        List<String> predicted = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            predicted.add(switch (FailureInjector.decide(ERRORS_AND_DROPS, 42, k, false)) {
                case NONE -> "200";
                case ERROR -> "503";
                case DROP, DROP_MID_STREAM -> "dropped";
                case HANG -> "hang";
            });
        }
        assertThat(observed).isEqualTo(predicted);
    }

    @Test
    void otherSeedGivesAnotherFailureSequence() {
        assertThat(outcomes(ERRORS_AND_DROPS, 43, 40)).isNotEqualTo(outcomes(ERRORS_AND_DROPS, 42, 40));
    }

    @Test
    void injectsErrorsAtRoughlyTheConfiguredRate() {
        long errors = 0;
        for (int k = 0; k < 10_000; k++) {
            if (FailureInjector.decide(FailurePolicy.errors(0.25), 9, k, false) == FailureInjector.Fault.ERROR) {
                errors++;
            }
        }
        assertThat(errors).isBetween(2_300L, 2_700L);
    }

    @Test
    void injectedErrorIsAnOpenAiErrorBodyWithTheConfiguredStatus() {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withFailures(
                new FailurePolicy(1.0, 0, 0, 503)))) {
            HttpResponse<String> response = new SimHttp(simulator).post(CHAT, chatBody(""));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).path("error").path("type").asText()).isEqualTo("ServiceUnavailableError");
            assertThat(json(response).path("error").path("code").asInt()).isEqualTo(503);
        }
    }

    @Test
    void headerInjectsAnErrorWithTheRequestedStatus() {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults())) {
            HttpResponse<String> response = new SimHttp(simulator).post(CHAT, chatBody(""),
                    "x-sim-fail", "error", "x-sim-error-status", "429");

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(json(response).path("error").path("type").asText()).isEqualTo("RateLimitError");
        }
    }

    @Test
    void hungRequestIsNeverAnsweredSoTheClientTimesOut() {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults())) {
            SimHttp http = new SimHttp(simulator);
            HttpRequest request = http.request(CHAT).timeout(Duration.ofMillis(500))
                    .header("x-sim-fail", "hang").POST(HttpRequest.BodyPublishers.ofString(chatBody(""))).build();

            assertThatThrownBy(() -> http.sendRaw(request)).isInstanceOf(HttpTimeoutException.class);
            assertThat(metric(http.get("/metrics").body(),
                    "tollgate_sim_injected_faults_total{fault=\"hang\",model_name=\"sim-model\"}")).isEqualTo(1);
        }
    }

    @Test
    void hangRateHangsRequestsFromThePolicy() {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withFailures(
                new FailurePolicy(0, 1.0, 0, 500)))) {
            SimHttp http = new SimHttp(simulator);
            HttpRequest request = http.request(CHAT).timeout(Duration.ofMillis(300))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody(""))).build();

            assertThatThrownBy(() -> http.sendRaw(request)).isInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void droppedRequestClosesTheConnectionWithoutAResponse() {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults())) {
            SimHttp http = new SimHttp(simulator);
            HttpRequest request = http.request(CHAT).header("x-sim-fail", "drop")
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody(""))).build();

            assertThatThrownBy(() -> http.sendRaw(request)).isInstanceOf(IOException.class);
            // The server still serves the next request on a new connection.
            assertThat(http.post(CHAT, chatBody("")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void dropMidStreamSendsSomeTokensThenClosesWithoutDone() throws Exception {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withOutputTokens(10))) {
            SimHttp http = new SimHttp(simulator);
            HttpRequest request = http.request(CHAT).header("x-sim-fail", "drop-mid-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody("\"stream\":true"))).build();
            HttpResponse<InputStream> response = http.client().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);

            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[4096];
            boolean failed = false;
            try (InputStream in = response.body()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    received.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                failed = true;
            }

            assertThat(failed).as("the truncated chunked body must fail the read").isTrue();
            assertThat(received.toString()).contains("\"content\":").doesNotContain("[DONE]");
        }
    }

    @Test
    void dropRateDropsStreamsMidStream() throws Exception {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withOutputTokens(10)
                .withFailures(new FailurePolicy(0, 0, 1.0, 500)))) {
            SimHttp http = new SimHttp(simulator);
            HttpRequest request = http.request(CHAT)
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody("\"stream\":true"))).build();

            HttpResponse<InputStream> response = http.client().send(request,
                    HttpResponse.BodyHandlers.ofInputStream());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(IOException.class);
            assertThat(metric(http.get("/metrics").body(),
                    "tollgate_sim_injected_faults_total{fault=\"drop-mid-stream\",model_name=\"sim-model\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void reconfigureMakesAHealthyEndpointFailUnderLoadWhileInFlightRequestsFinish() throws Exception {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withEventLoops(2))) {
            SimHttp http = new SimHttp(simulator);
            List<CompletableFuture<HttpResponse<String>>> inFlight = fire(http, 50, "x-sim-ttft-ms", "2000");
            awaitRunning(http, 50);

            simulator.reconfigure(simulator.config().withFailures(new FailurePolicy(1.0, 0, 0, 503)));
            List<CompletableFuture<HttpResponse<String>>> after = fire(http, 50, "x-sim-ttft-ms", "0");

            for (CompletableFuture<HttpResponse<String>> f : after) {
                assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
            }
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        }
    }

    private static void awaitRunning(SimHttp http, int expected) throws InterruptedException {
        String sample = "vllm:num_requests_running{model_name=\"sim-model\"}";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (metric(http.get("/metrics").body(), sample) < expected) {
            assertThat(System.nanoTime()).as("%d requests running within 5 s", expected).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static List<CompletableFuture<HttpResponse<String>>> fire(SimHttp http, int count, String... headers) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpRequest request = http.request(CHAT).headers(headers)
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody(""))).build();
            futures.add(http.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return futures;
    }

    /** Sends {@code count} requests one after another and records "200", the error status, or "dropped". */
    private static List<String> outcomes(FailurePolicy policy, long seed, int count) {
        try (VllmSimulator simulator = start(SimulatorConfig.defaults().withFailures(policy).withSeed(seed))) {
            SimHttp http = new SimHttp(simulator);
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpRequest request = http.request(CHAT)
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody(""))).build();
                try {
                    outcomes.add(String.valueOf(http.sendRaw(request).statusCode()));
                } catch (IOException e) {
                    outcomes.add("dropped");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return outcomes;
        }
    }

    private static VllmSimulator start(SimulatorConfig config) {
        return VllmSimulator.start(config.withEventLoops(1));
    }
}
