package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointHealth;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.gateway.routing.Router;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.local.vllm.FailurePolicy;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routing and failover against real vLLM simulators, a real broker and the real registry. Each test starts its own
 * simulators, registers them at runtime as endpoints of a model of its own, and removes them at the end, so tests
 * neither share endpoints nor depend on order.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class RoutingIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    /** Weight that makes an endpoint the first draw in all but about one in a million choices. */
    static final int FAVOURED = 1_000_000;

    @Inject
    EndpointRegistry registry;
    @Inject
    Router router;
    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registryUrl;

    private final List<VllmSimulator> simulators = new ArrayList<>();
    private final List<String> endpointIds = new ArrayList<>();
    private UsageTopic usage;

    @BeforeEach
    void subscribe() {
        usage = new UsageTopic(bootstrap, registryUrl);
    }

    @AfterEach
    void cleanUp() {
        endpointIds.forEach(registry::remove);
        simulators.forEach(VllmSimulator::close);
        usage.close();
    }

    @Test
    void anEndpointKilledUnderLoadCostsNoClientAnErrorAndStopsReceivingTraffic() throws Exception {
        String model = "failover-model";
        UnaryOperator<SimulatorConfig> slowish = c -> c.withTimeToFirstToken(Duration.ofMillis(20))
                .withInterTokenLatency(Duration.ofMillis(2)).withOutputTokens(8);
        VllmSimulator a = simulator(model, slowish);
        VllmSimulator victim = simulator(model, slowish);
        VllmSimulator c = simulator(model, slowish);
        endpoint("fo-a", model, a, 1, Environment.PRODUCTION);
        endpoint("fo-victim", model, victim, 1, Environment.PRODUCTION);
        endpoint("fo-c", model, c, 1, Environment.PRODUCTION);

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(5);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<String> response = client.send(chat(model, false).build(),
                                HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() != 200) {
                            errors.add(response.statusCode() + " " + response.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }

        TimeUnit.SECONDS.sleep(2);
        long victimBeforeKill = dispatched("fo-victim");
        victim.close();
        long killedAt = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(1500);
        EndpointHealth victimAfterDetection = health("fo-victim");
        long victimAfterDetectionDispatched = victimAfterDetection.dispatched();
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
        long victimAtEnd = dispatched("fo-victim");
        int total = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
        long allAttempts = dispatched("fo-a") + victimAtEnd + dispatched("fo-c");

        System.out.printf("failover figures: requests=%d statuses=%s attempts=%d retries=%d "
                        + "victim_dispatched_before_kill=%d victim_dispatched_after_kill=%d victim_breaker=%s "
                        + "victim_up=%s seconds_after_kill=%.1f%n", total, statuses, allAttempts, allAttempts - total,
                victimBeforeKill, victimAtEnd - victimBeforeKill, victimAfterDetection.breaker(),
                victimAfterDetection.up(), (System.nanoTime() - killedAt) / 1e9);
        assertThat(errors).as("client-visible errors").isEmpty();
        assertThat(statuses).containsOnlyKeys(200);
        assertThat(total).isGreaterThan(100);
        assertThat(victimBeforeKill).as("the victim served traffic before it died").isPositive();
        assertThat(victimAfterDetection.routable()).as("the dead endpoint is out of rotation").isFalse();
        assertThat(victimAtEnd).as("no attempt reached the dead endpoint once it was detected")
                .isEqualTo(victimAfterDetectionDispatched);
    }

    @Test
    void aServerErrorBeforeTheFirstByteIsRetriedOnAnotherEndpoint() {
        String model = "retry-model";
        VllmSimulator failing = simulator(model, c -> c.withFailures(new FailurePolicy(1.0, 0, 0, 503)));
        VllmSimulator healthy = simulator(model, c -> c);
        endpoint("rt-failing", model, failing, FAVOURED, Environment.PRODUCTION);
        endpoint("rt-healthy", model, healthy, 1, Environment.PRODUCTION);
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion"));

        UsageEvent event = single(requestId);
        assertThat(event.getAttempt()).isEqualTo(2);
        assertThat(event.getEndpointId()).isEqualTo("rt-healthy");
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getCompletionTokens()).isPositive();
        assertThat(dispatched("rt-failing")).isEqualTo(1);
    }

    @Test
    void anAttemptThatTimesOutIsRetriedWithinTheModelsTimeout() {
        String model = "timeout-model";
        VllmSimulator hanging = simulator(model, c -> c.withFailures(new FailurePolicy(0, 1.0, 0, 500)));
        VllmSimulator healthy = simulator(model, c -> c);
        endpoint("to-hanging", model, hanging, FAVOURED, Environment.PRODUCTION);
        endpoint("to-healthy", model, healthy, 1, Environment.PRODUCTION);
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(200);

        UsageEvent event = single(requestId);
        assertThat(event.getAttempt()).isEqualTo(2);
        assertThat(event.getEndpointId()).isEqualTo("to-healthy");
        // Without the model's 1 s timeout the hanging attempt would wait for the 300 s default.
        assertThat(event.getLatencyMs()).as("the hanging attempt was cut at the model's timeout")
                .isBetween(1000L, 30_000L);
        assertThat(health("to-hanging").outstanding()).as("the timed-out attempt is no longer outstanding").isZero();
    }

    @Test
    void aClientThatLeavesStopsTheEndpointWithoutBlamingItAndIsBilledForThePrompt() throws Exception {
        String model = "cancel-model";
        VllmSimulator slow = simulator(model, c -> c.withTimeToFirstToken(Duration.ofSeconds(3)));
        endpoint("cn-slow", model, slow, 1, Environment.PRODUCTION);
        String requestId = UUID.randomUUID().toString();
        byte[] body = chatBody(model, false).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + chatUrl.getHost() + "\r\n"
                + "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\n"
                + "x-request-id: " + requestId + "\r\nContent-Length: " + body.length + "\r\n\r\n";

        try (java.net.Socket socket = new java.net.Socket(chatUrl.getHost(), chatUrl.getPort())) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            awaitOutstanding("cn-slow", 1);
        }

        long closedAt = System.nanoTime();
        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.CANCELLED);
        awaitOutstanding("cn-slow", 0);
        assertThat(health("cn-slow").breaker()).isEqualTo(dev.tollgate.gateway.routing.CircuitBreaker.State.CLOSED);
        awaitRunning(slow, 0);
        assertThat(System.nanoTime() - closedAt).as("the endpoint stopped before its 3 s first token")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(2500));
        // The prompt had gone out: it is billed, estimated, and nothing was generated for the client.
        assertThat(event.getPromptTokens()).isPositive();
        assertThat(event.getCompletionTokens()).isZero();
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(event.getCostMicros()).isPositive();
    }

    @Test
    void aClientThatLeavesMidStreamIsBilledForWhatItReceivedAndTheEndpointStops() throws Exception {
        String model = "cancel-stream-model";
        VllmSimulator slow = simulator(model, c -> c.withOutputTokens(200)
                .withInterTokenLatency(Duration.ofMillis(50))); // a 10 s stream
        endpoint("cs-slow", model, slow, 1, Environment.PRODUCTION);
        String requestId = UUID.randomUUID().toString();
        byte[] body = ("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":200,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell a long story\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + chatUrl.getHost() + "\r\n"
                + "Authorization: Bearer " + KEY + "\r\nContent-Type: application/json\r\n"
                + "x-request-id: " + requestId + "\r\nContent-Length: " + body.length + "\r\n\r\n";

        long closedAt;
        try (java.net.Socket socket = new java.net.Socket(chatUrl.getHost(), chatUrl.getPort())) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String received = readUntilEvents(socket.getInputStream(), 5);
            assertThat(received).doesNotContain("[DONE]");
            assertThat(running(slow)).as("the stream is still being generated").isEqualTo(1);
            closedAt = System.nanoTime();
        }

        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.CANCELLED);
        assertThat(event.getStreaming()).isTrue();
        awaitRunning(slow, 0);
        assertThat(System.nanoTime() - closedAt).as("the endpoint stopped generating long before the stream's end")
                .isLessThan(TimeUnit.SECONDS.toNanos(3));
        assertThat(event.getPromptTokens()).isPositive();
        assertThat(event.getCompletionTokens()).as("the tokens relayed before the client left")
                .isBetween(3L, 150L);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(event.getCostMicros()).isPositive();
    }

    @Test
    void vllmsOwnQueueAndKvCacheBecomeTheEndpointsLoadPenalty() throws Exception {
        String model = "metrics-model";
        VllmSimulator busy = simulator(model, c -> c.withMaxNumSeqs(1).withTimeToFirstToken(Duration.ofSeconds(2)));
        endpoint("mx-busy", model, busy, 1, Environment.PRODUCTION);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            requests.add(client.sendAsync(chat(model, false).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        double penalty = 0;
        while (penalty == 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
            penalty = health("mx-busy").loadPenalty();
        }

        // one running (a full KV cache at max-num-seqs 1: 4.0) and up to two waiting (1.0 each)
        assertThat(penalty).isBetween(4.0, 6.0);
        // what operators see (admin API, CLI, console) is the reading the penalty came from
        var reading = health("mx-busy").vllm();
        assertThat(reading).as("the last vLLM reading").isNotNull();
        assertThat(reading.load().kvCacheUsage()).isBetween(0.0, 1.0);
        assertThat(reading.readAtMs()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(5_000L));
        for (var request : requests) {
            assertThat(request.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStreamThatBreaksAfterTheFirstByteIsNotRetried() throws Exception {
        String model = "stream-model";
        VllmSimulator dropping = simulator(model, c -> c.withFailures(new FailurePolicy(0, 0, 1.0, 500))
                .withOutputTokens(16).withInterTokenLatency(Duration.ofMillis(5)));
        VllmSimulator healthy = simulator(model, c -> c);
        endpoint("st-dropping", model, dropping, FAVOURED, Environment.PRODUCTION);
        endpoint("st-healthy", model, healthy, 1, Environment.PRODUCTION);
        String requestId = UUID.randomUUID().toString();

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = client.send(chat(model, true).header("x-request-id", requestId).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        String received = readUntilBroken(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).contains("chat.completion.chunk").doesNotContain("[DONE]");
        UsageEvent event = single(requestId);
        assertThat(event.getAttempt()).isEqualTo(1);
        assertThat(event.getEndpointId()).isEqualTo("st-dropping");
        assertThat(event.getStatus()).isEqualTo(RequestStatus.UPSTREAM_ERROR);
        assertThat(event.getErrorCode()).isEqualTo("upstream_protocol_error");
        assertThat(dispatched("st-healthy")).as("no retry went to the other endpoint").isZero();
    }

    @Test
    void answers503NoHealthyEndpointWhenEveryEndpointIsDown() throws Exception {
        String model = "down-model";
        VllmSimulator one = simulator(model, c -> c);
        VllmSimulator two = simulator(model, c -> c);
        endpoint("dn-one", model, one, 1, Environment.PRODUCTION);
        endpoint("dn-two", model, two, 1, Environment.PRODUCTION);
        one.close();
        two.close();
        simulators.clear();
        awaitDown("dn-one", "dn-two");
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(503)
                .contentType(ContentType.JSON)
                .body("error.code", equalTo("no_healthy_endpoint"))
                .body("error.type", equalTo("upstream_error"));

        UsageEvent event = single(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.UPSTREAM_ERROR);
        assertThat(event.getHttpStatus()).isEqualTo(503);
        assertThat(event.getEndpointId()).isNull();
    }

    @Test
    void theEnvironmentHeaderSelectsEndpointsOfThatEnvironmentOnly() {
        String model = "env-model";
        VllmSimulator production = simulator(model, c -> c);
        VllmSimulator staging = simulator(model, c -> c);
        endpoint("env-production", model, production, 1, Environment.PRODUCTION);
        endpoint("env-staging", model, staging, 1, Environment.STAGING);
        String stagingRequest = UUID.randomUUID().toString();
        String defaultRequest = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", stagingRequest)
                .header("x-tollgate-environment", "staging")
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer " + KEY).header("x-request-id", defaultRequest)
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer " + KEY).header("x-tollgate-environment", "qa")
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("invalid_request"))
                .body("error.param", equalTo("x-tollgate-environment"));
        given().header("Authorization", "Bearer " + KEY).header("x-tollgate-environment", "development")
                .contentType(ContentType.JSON).body(chatBody(model, false))
                .post("/v1/chat/completions").then().statusCode(404)
                .body("error.code", equalTo("model_not_found"));

        Map<String, String> endpointByRequest = new java.util.HashMap<>();
        Map<String, String> environmentByRequest = new java.util.HashMap<>();
        usage.await(e -> e.getRequestId().equals(stagingRequest) || e.getRequestId().equals(defaultRequest), 2,
                Duration.ofSeconds(30)).forEach(e -> {
                    endpointByRequest.put(e.getRequestId(), e.getEndpointId());
                    environmentByRequest.put(e.getRequestId(), e.getEnvironment());
                });
        assertThat(endpointByRequest).containsExactlyInAnyOrderEntriesOf(
                Map.of(stagingRequest, "env-staging", defaultRequest, "env-production"));
        assertThat(environmentByRequest).containsExactlyInAnyOrderEntriesOf(
                Map.of(stagingRequest, "staging", defaultRequest, "production"));
    }

    private VllmSimulator simulator(String model, UnaryOperator<SimulatorConfig> tune) {
        VllmSimulator simulator = VllmSimulator.start(tune.apply(SimulatorConfig.defaults().withPort(0)
                .withEventLoops(1).withServedModelNames(model).withOutputTokens(8)));
        simulators.add(simulator);
        return simulator;
    }

    private void endpoint(String id, String model, VllmSimulator simulator, int weight, Environment environment) {
        registry.register(new Endpoint(id, model, URI.create(simulator.baseUrl()), new Price(1_000_000, 2_000_000, 1),
                weight, environment));
        endpointIds.add(id);
    }

    private EndpointHealth health(String id) {
        return router.health().stream().filter(h -> h.id().equals(id)).findFirst().orElseThrow();
    }

    private long dispatched(String id) {
        return health(id).dispatched();
    }

    private void awaitOutstanding(String id, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (health(id).outstanding() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("outstanding on " + id + " never became " + expected + ": " + health(id));
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private void awaitDown(String... ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (java.util.Arrays.stream(ids).noneMatch(id -> health(id).up())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("endpoints not marked down by health checks: " + router.health());
    }

    private UsageEvent single(String requestId) {
        return usage.exactlyOne(requestId);
    }

    private HttpRequest.Builder chat(String model, boolean stream) {
        return HttpRequest.newBuilder(URI.create(chatUrl.toString())).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model, stream)));
    }

    private static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    /** Reads a raw HTTP response until {@code events} server-sent events have arrived; what arrived. */
    private static String readUntilEvents(InputStream in, int events) throws Exception {
        StringBuilder received = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (received.toString().split("data: ", -1).length - 1 < events) {
            int n = in.read(buffer);
            assertThat(n).as("the stream ended early: " + received).isPositive();
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return received.toString();
    }

    /** The simulator's {@code vllm:num_requests_running}: requests it is generating for right now. */
    private static int running(VllmSimulator simulator) throws Exception {
        return (int) SimulatorScrape.sum(simulator.baseUrl(), "vllm:num_requests_running");
    }

    private static void awaitRunning(VllmSimulator simulator, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(simulator) != expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(running(simulator)).isEqualTo(expected);
    }

    /** Reads a response body until it ends or breaks, and returns what arrived. */
    private static String readUntilBroken(InputStream body) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        try (body) {
            int n;
            while ((n = body.read(buffer)) != -1) {
                received.write(buffer, 0, n);
            }
        } catch (IOException expectedWhenTheStreamBreaks) {
            // the gateway reset the connection: that is how a broken stream reaches the client
        }
        return received.toString(StandardCharsets.UTF_8);
    }
}
