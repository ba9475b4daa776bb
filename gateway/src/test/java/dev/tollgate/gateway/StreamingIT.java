package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.events.v1.UsageSource;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.EndpointRegistry;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams end to end, against endpoints of the test's own (a real vLLM simulator, or a stub for what the simulator
 * never does), a real broker and the real registry: each event reaches the client as the endpoint sends it, and a
 * stream whose endpoint reports no usage is billed with the gateway's own count, marked estimated.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class StreamingIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";

    @Inject
    EndpointRegistry registry;
    @TestHTTPResource("/v1/chat/completions")
    URL chatUrl;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registryUrl;

    private final List<AutoCloseable> upstreams = new ArrayList<>();
    private final List<String> endpointIds = new ArrayList<>();
    private UsageTopic usage;

    @BeforeEach
    void subscribe() {
        usage = new UsageTopic(bootstrap, registryUrl);
    }

    @AfterEach
    void cleanUp() throws Exception {
        endpointIds.forEach(registry::remove);
        for (AutoCloseable upstream : upstreams) {
            upstream.close();
        }
        usage.close();
    }

    @Test
    void relaysEachEventAsTheEndpointSendsItRatherThanWhenTheStreamEnds() throws Exception {
        VllmSimulator slow = VllmSimulator.start(SimulatorConfig.defaults().withPort(0).withEventLoops(1)
                .withServedModelNames("paced-model").withOutputTokens(10)
                .withInterTokenLatency(Duration.ofMillis(300))); // 10 tokens: about 3 s in all
        upstreams.add(slow);
        endpoint("paced-1", "paced-model", slow.baseUrl());

        long sent = System.nanoTime();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(chat("paced-model",
                UUID.randomUUID().toString()), HttpResponse.BodyHandlers.ofInputStream());
        List<Long> arrivals = new ArrayList<>();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            for (String line = events.readLine(); line != null; line = events.readLine()) {
                if (line.startsWith("data: ") && line.contains("\"content\"")) {
                    arrivals.add(Duration.ofNanos(System.nanoTime() - sent).toMillis());
                }
            }
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(arrivals).hasSizeGreaterThanOrEqualTo(5);
        long first = arrivals.get(0);
        long last = arrivals.get(arrivals.size() - 1);
        assertThat(last - first).as("events spread over the stream, not released together at its end: %s", arrivals)
                .isGreaterThan(1_500);
        assertThat(first).as("the first event arrives long before the stream ends: %s", arrivals)
                .isLessThan(last - 1_500);
    }

    @Test
    void billsAStreamWhoseEndpointReportsNoUsageWithTheGatewaysOwnCountMarkedEstimated() throws Exception {
        StubUpstream noUsage = new StubUpstream(request -> {
            if (!request.path().equals("/v1/chat/completions")) {
                request.response().end();
                return;
            }
            request.body().onSuccess(body -> request.response().putHeader("content-type", "text/event-stream")
                    .end(chunk("{\"role\":\"assistant\",\"content\":\"The quick brown fox\"}", null)
                            + chunk("{\"content\":\" jumps over the lazy dog.\"}", "\"stop\"")
                            + "data: [DONE]\n\n")); // an endpoint that ignores stream_options.include_usage
        });
        upstreams.add(noUsage);
        endpoint("no-usage-1", "no-usage-model", "http://127.0.0.1:" + noUsage.port());
        String requestId = UUID.randomUUID().toString();

        HttpResponse<String> response = HttpClient.newHttpClient().send(chat("no-usage-model", requestId),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("lazy dog", "data: [DONE]");
        UsageEvent event = usage.exactlyOne(requestId);
        assertThat(event.getStatus()).isEqualTo(RequestStatus.OK);
        assertThat(event.getUsageSource()).isEqualTo(UsageSource.ESTIMATED);
        assertThat(event.getCompletionTokens()).as("cl100k_base tokens of the relayed text").isBetween(8L, 14L);
        assertThat(event.getPromptTokens()).isPositive();
        assertThat(event.getCostMicros()).isPositive();
    }

    private void endpoint(String id, String model, String baseUrl) {
        registry.register(new Endpoint(id, model, URI.create(baseUrl), new Price(1_000_000, 2_000_000, 1), 1,
                Environment.PRODUCTION));
        endpointIds.add(id);
    }

    private HttpRequest chat(String model, String requestId) {
        return HttpRequest.newBuilder(URI.create(chatUrl.toString())).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":true,"
                        + "\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}"))
                .build();
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }
}
