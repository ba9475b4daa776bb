package dev.tollgate.local.vllm;

import static dev.tollgate.local.vllm.SimHttp.CHAT;
import static dev.tollgate.local.vllm.SimHttp.chatBody;
import static dev.tollgate.local.vllm.SimHttp.metric;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LatencyTest {

    private static final String RUNNING = "vllm:num_requests_running{model_name=\"sim-model\"}";

    private static VllmSimulator simulator;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        simulator = VllmSimulator.start(SimulatorConfig.defaults().withEventLoops(2).withOutputTokens(5)
                .withTimeToFirstToken(Duration.ofMillis(300)).withInterTokenLatency(Duration.ofMillis(40)));
        http = new SimHttp(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void nonStreamingAnswerWaitsTtftPlusInterTokenLatencies() {
        long start = System.nanoTime();
        HttpResponse<String> response = http.post(CHAT, chatBody(""));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(300 + 4 * 40);
    }

    @Test
    void streamSendsHeadersAtOnceAndTheFirstTokenAfterTtft() throws Exception {
        HttpRequest request = http.request(CHAT).POST(HttpRequest.BodyPublishers.ofString(
                chatBody("\"stream\":true"))).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        long headersMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long firstTokenMs;
        long lastMs;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            firstTokenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(first).startsWith("data: ");
            while (reader.readLine() != null) {
                // Drain to the end of the stream.
            }
            lastMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }

        assertThat(headersMs).as("headers go out before the first token").isLessThan(300);
        assertThat(firstTokenMs).isGreaterThanOrEqualTo(300);
        assertThat(lastMs).as("ttft plus four inter-token gaps").isGreaterThanOrEqualTo(300 + 4 * 40);
    }

    @Test
    void headersOverrideTheConfiguredLatencyPerRequest() {
        long start = System.nanoTime();
        HttpResponse<String> response = http.post(CHAT, chatBody(""), "x-sim-ttft-ms", "0", "x-sim-itl-ms", "0",
                "x-sim-output-tokens", "2");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SimHttp.json(response).path("usage").path("completion_tokens").asInt()).isEqualTo(2);
        assertThat(elapsedMs).as("faster than the configured 300 + 4 x 40 ms").isLessThan(300 + 4 * 40);
    }

    @Test
    void clientDisconnectMidStreamFreesTheSlot() throws Exception {
        String body = chatBody("\"stream\":true");
        try (Socket socket = new Socket("127.0.0.1", simulator.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "x-sim-output-tokens: 1000\r\nx-sim-ttft-ms: 0\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] firstBytes = new byte[256];
            assertThat(socket.getInputStream().read(firstBytes)).isPositive();
            assertThat(metric(http.get("/metrics").body(), RUNNING)).isEqualTo(1);
        }

        double running = 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            running = metric(http.get("/metrics").body(), RUNNING);
        }
        assertThat(running).isZero();
    }
}
