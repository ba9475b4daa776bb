package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerting path end to end, through the platform the launcher starts: a vLLM endpoint that stops under load is
 * seen down by the gateway's health checks, reported, evaluated by the streams app against an {@code endpoint_down}
 * rule with {@code for: 30s}, and delivered by the notifier to a real HTTP receiver; started again, its resolution
 * follows. It measures the time from the fault to the delivery (target: within 60 s).
 *
 * <p>Everything runs with its defaults (health checks every 5 s, down after 2 failures; reports every 10 s), except
 * the receiver's {@code group_wait} and {@code group_interval} of 1 s: with the defaults (10 s and 1 min) the firing
 * notification waits up to 10 s longer and the resolved one up to a minute, which would measure the grouping policy
 * rather than the path.
 */
class AlertingIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TARGET = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void anEndpointThatStopsUnderLoadIsDeliveredDownWithinAMinuteAndResolvedWhenItIsBack() throws Exception {
        Map<String, Integer> ports = LocalPlatformIT.freePorts();
        BlockingQueue<String> deliveries = new LinkedBlockingQueue<>();
        HttpServer receiver = receiver(deliveries);
        VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withServedModelNames("alert-model").withTimeToFirstToken(Duration.ofMillis(5)).withEventLoops(1));
        int simulatorPort = simulator.port();
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, LocalPlatformIT.args(ports), Map.of())) {
            assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                    .as("launcher console:\n%s", launcher.console()).isPresent();
            String gateway = "http://127.0.0.1:" + ports.get("gateway");
            String admin = LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher);
            String key = LocalPlatformIT.printed(LocalPlatformIT.KEY, launcher);
            post(gateway + "/admin/v1/endpoints", admin, "{\"id\":\"alert-sim\",\"model\":\"alert-model\","
                    + "\"base_url\":\"" + simulator.baseUrl() + "\"}", 201);
            post(gateway + "/admin/v1/receivers", admin, "{\"id\":\"e2e-hook\",\"type\":\"webhook\",\"url\":\""
                    + "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\",\"group_wait\":\"1s\","
                    + "\"group_interval\":\"1s\"}", 201);
            post(gateway + "/admin/v1/alert-rules", admin, "{\"id\":\"alert-sim-down\",\"name\":\"EndpointDown\","
                    + "\"kind\":\"endpoint_down\",\"scope_id\":\"alert-sim\",\"for\":\"30s\",\"severity\":\"critical\","
                    + "\"annotations\":{\"summary\":\"{{ $labels.endpoint }} is down\"},\"receivers\":[\"e2e-hook\"]}",
                    201);
            AtomicInteger answered = new AtomicInteger();
            for (int i = 0; i < 4; i++) {
                clients.submit(() -> load(gateway, key, loading, answered));
            }
            awaitAnswered(answered, 20);

            simulator.close();
            long faultAt = System.nanoTime();
            String firing = awaitDelivery(deliveries, "firing", Duration.ofSeconds(120));
            Duration toFiring = Duration.ofNanos(System.nanoTime() - faultAt);
            String alerts = get("http://127.0.0.1:" + ports.get("streams") + "/v1/alerts?endpoint=alert-sim");

            VllmSimulator again = VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1")
                    .withPort(simulatorPort).withServedModelNames("alert-model").withEventLoops(1));
            long backAt = System.nanoTime();
            String resolved;
            try {
                resolved = awaitDelivery(deliveries, "resolved", Duration.ofSeconds(120));
            } finally {
                again.close();
            }
            Duration toResolved = Duration.ofNanos(System.nanoTime() - backAt);
            String recorded = get("http://127.0.0.1:" + ports.get("notifier") + "/v1/deliveries?receiver=e2e-hook");
            System.out.printf("alerting e2e: fault -> firing delivered %d ms (for 30 s, group_wait 1 s); "
                    + "back -> resolved delivered %d ms; requests answered under load %d%n", toFiring.toMillis(),
                    toResolved.toMillis(), answered.get());

            assertThat(firing).contains("\"version\":\"4\"").contains("\"receiver\":\"e2e-hook\"")
                    .contains("\"endpoint\":\"alert-sim\"").contains("\"summary\":\"alert-sim is down\"");
            assertThat(toFiring).as("fault to delivery").isLessThan(TARGET)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(alerts).contains("\"state\":\"firing\"").contains("\"alertname\":\"EndpointDown\"");
            assertThat(resolved).contains("\"status\":\"resolved\"").contains("\"endpoint\":\"alert-sim\"");
            assertThat(recorded).contains("\"status\":\"delivered\"").doesNotContain("/hook");
            assertThat(deliveries).as("one notification per transition").isEmpty();
            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
        } finally {
            loading.set(false);
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
            receiver.stop(0);
            simulator.close();
        }
    }

    private static HttpServer receiver(BlockingQueue<String> deliveries) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            deliveries.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void load(String gateway, String key, AtomicBoolean loading, AtomicInteger answered) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"alert-model\",\"max_tokens\":4,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}")).build();
        while (loading.get()) {
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    answered.incrementAndGet();
                } else {
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                // the gateway is starting or stopping
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void awaitAnswered(AtomicInteger answered, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answered.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(answered.get()).as("requests answered by the endpoint before it stops").isGreaterThanOrEqualTo(count);
    }

    private static String awaitDelivery(BlockingQueue<String> deliveries, String status, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String body = deliveries.poll(500, TimeUnit.MILLISECONDS);
            if (body != null && body.contains("\"status\":\"" + status + "\"")) {
                return body;
            }
            if (body != null) {
                throw new AssertionError("expected a " + status + " notification, got " + body);
            }
        }
        throw new AssertionError("no " + status + " notification within " + timeout);
    }

    private static void post(String url, String adminToken, String body, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", url, response.body()).isEqualTo(expected);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
