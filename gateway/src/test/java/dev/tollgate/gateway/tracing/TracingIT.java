package dev.tollgate.gateway.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.gateway.StubUpstream;
import dev.tollgate.gateway.events.EventTopics;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's traces received over real OTLP/HTTP by a receiver in the test JVM ({@link OtlpReceiver}), decoded
 * with the protocol's generated classes: the request's span in the caller's trace, under the caller's span, with the
 * GenAI attributes and the endpoint's token counts; the same ids as its {@code TraceEvent} on Kafka and as the
 * {@code traceparent} the endpoint received. Only this class turns tracing on (its profile sets the endpoint).
 */
@QuarkusTest
@TestProfile(TracingIT.Otlp.class)
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class TracingIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    static final String MODEL = "traced-model";
    static final String PROMPT = "Tell no one: the vault code is 4921";

    /**
     * The receiver, and an endpoint that records the traceparent it is sent, in the test's class loader, on the ports
     * the profile reserved: Quarkus computes a profile's configuration in another class loader than the one it runs
     * the test in, so servers started there would not be the ones the test reads.
     */
    static final class Peers {
        static final OtlpReceiver RECEIVER;
        static final BlockingQueue<String> TRACEPARENTS = new LinkedBlockingQueue<>();
        static final StubUpstream ENDPOINT;

        static {
            try {
                RECEIVER = new OtlpReceiver(reservedPort(RECEIVER_PORT));
                ENDPOINT = StubUpstream.recordingChatHeader(reservedPort(ENDPOINT_PORT), "traceparent", TRACEPARENTS,
                        "{\"id\":\"chatcmpl-t1\",\"object\":\"chat.completion\",\"created\":1,"
                        + "\"model\":\"traced-model-0613\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                        + "\"assistant\",\"content\":\"It is 4921.\"},\"finish_reason\":\"stop\"}],\"usage\":"
                        + "{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}");
            } catch (Exception e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    static final String RECEIVER_PORT = "tracing-it.receiver-port";
    static final String ENDPOINT_PORT = "tracing-it.endpoint-port";

    /**
     * The port reserved under system property {@code name}: a free one, found once per test JVM and kept in the
     * property, which both class loaders see. Not under {@code tollgate.}: the configuration would refuse it as a
     * setting of no mapping.
     */
    static synchronized int reservedPort(String name) {
        String reserved = System.getProperty(name);
        if (reserved != null) {
            return Integer.parseInt(reserved);
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.setProperty(name, Integer.toString(socket.getLocalPort()));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tracing on, exporting every 100 ms, with failures counted within two seconds; an endpoint for MODEL. */
    public static class Otlp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tollgate.tracing.endpoint", "http://127.0.0.1:" + reservedPort(RECEIVER_PORT) + "/v1/traces",
                    "tollgate.tracing.schedule-delay", "100ms",
                    "tollgate.tracing.timeout", "2s",
                    "tollgate.bootstrap.endpoints[1].id", "traced-1",
                    "tollgate.bootstrap.endpoints[1].model", MODEL,
                    "tollgate.bootstrap.endpoints[1].url", "http://127.0.0.1:" + reservedPort(ENDPOINT_PORT));
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;
    @Inject
    OtlpExport export;
    @Inject
    PrometheusMeterRegistry prometheus;

    /** The endpoint started with the test, after the gateway: its health checks must have seen it up. */
    @BeforeEach
    void awaitTheEndpoint() throws InterruptedException {
        Peers.ENDPOINT.port();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (chat(null).statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Peers.TRACEPARENTS.clear();
    }

    @Test
    void exportsTheRequestInTheCallersTraceWithGenAiAttributesAndTheIdsOfItsTraceEvent() throws Exception {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01").contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"temperature\":0.25,\"top_p\":0.9,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        String sentUpstream = Peers.TRACEPARENTS.poll(5, TimeUnit.SECONDS);
        TraceEvent event;
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.TRACES))) {
            event = (TraceEvent) topics.await(r -> r.value() instanceof TraceEvent t
                    && t.getRequestId().equals(requestId), 1, Duration.ofSeconds(20)).get(0).value();
        }
        List<OtlpReceiver.Received> spans = Peers.RECEIVER.await(s -> s.traceId().equals(traceId),
                event.getSpans().size(), Duration.ofSeconds(10));
        OtlpReceiver.Received root = spans.stream().filter(s -> s.parentSpanId().equals(callerSpan)).findFirst()
                .orElseThrow(() -> new AssertionError("no span under the caller's span among " + spans));

        assertThat(sentUpstream).isEqualTo("00-" + traceId + "-" + root.spanId() + "-01");
        assertThat(root.span().getName()).isEqualTo("chat " + MODEL);
        assertThat(root.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(root.resourceAttributes()).containsEntry("service.name", "tollgate-gateway");
        assertThat(root.attributes()).containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.provider.name", "vllm")
                .containsEntry("gen_ai.request.model", MODEL)
                .containsEntry("gen_ai.response.model", "traced-model-0613")
                .containsEntry("gen_ai.request.max_tokens", "64")
                .containsEntry("gen_ai.request.temperature", "0.25")
                .containsEntry("gen_ai.request.top_p", "0.9")
                .containsEntry("gen_ai.usage.input_tokens", "11")
                .containsEntry("gen_ai.usage.output_tokens", "7")
                .containsEntry("gen_ai.response.finish_reasons", "stop")
                .containsEntry("server.address", "127.0.0.1")
                .containsEntry("server.port", Integer.toString(Peers.ENDPOINT.port()))
                .containsEntry("http.response.status_code", "200")
                .containsEntry("tollgate.request_id", requestId)
                .containsEntry("tollgate.org_id", "it-org")
                .containsEntry("tollgate.key_id", "it-key")
                .containsEntry("tollgate.endpoint_id", "traced-1")
                .doesNotContainKey("error.type");
        for (OtlpReceiver.Received span : spans) {
            assertThat(span.attributes().values()).noneMatch(v -> v.contains("4921") || v.contains(KEY));
        }
        assertThat(spans).filteredOn(s -> s != root).allSatisfy(step -> {
            assertThat(step.parentSpanId()).isEqualTo(root.spanId());
            assertThat(step.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
            assertThat(step.span().getStartTimeUnixNano()).isGreaterThanOrEqualTo(root.span().getStartTimeUnixNano());
            assertThat(step.span().getEndTimeUnixNano()).isLessThanOrEqualTo(root.span().getEndTimeUnixNano());
        });
        assertThat(spans).extracting(s -> s.span().getName())
                .contains("auth", "rate_limit", "route", "upstream_connect", "complete");
        assertThat(event.getTraceId()).isEqualTo(traceId);
        assertThat(spans.stream().map(OtlpReceiver.Received::spanId).collect(Collectors.toSet()))
                .isEqualTo(event.getSpans().stream().map(dev.tollgate.events.v1.Span::getSpanId)
                        .collect(Collectors.toSet()));
    }

    @Test
    void dropsAndCountsTheSpansACollectorRefusesWithoutSlowingRequestsAndExportsAgainOnceItTakesThem()
            throws Exception {
        long failedBefore = export.ledger().failed();
        long exportedBefore = export.ledger().exported();
        Peers.RECEIVER.refuse(true);
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                chat(null).then().statusCode(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(export.ledger().failed()).isGreaterThanOrEqualTo(failedBefore + 3 * 5));
        } finally {
            Peers.RECEIVER.refuse(false);
        }
        assertThat(prometheus.scrape()).containsPattern(
                "tollgate_tracing_spans_dropped_total\\{reason=\"export_failed\",?} [1-9]");

        String traceId = UUID.randomUUID().toString().replace("-", "");
        chat("00-" + traceId + "-00f067aa0ba902b7-01").then().statusCode(200);

        assertThat(Peers.RECEIVER.await(s -> s.traceId().equals(traceId), 1, Duration.ofSeconds(10))).hasSize(1);
        // the collector holds the spans before the exporter has read its answer and counted them
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(export.ledger().exported()).isGreaterThan(exportedBefore));
        assertThat(prometheus.scrape()).containsPattern("tollgate_tracing_spans_exported_total [1-9]");
    }

    @Test
    void leavesTheTraceOutWhenTheCallerDidNotSampleIt() throws Exception {
        String unsampled = UUID.randomUUID().toString().replace("-", "");
        String sampled = UUID.randomUUID().toString().replace("-", "");

        chat("00-" + unsampled + "-00f067aa0ba902b7-00").then().statusCode(200);
        chat("00-" + sampled + "-00f067aa0ba902b7-01").then().statusCode(200);

        // the sampled request finished second: once its spans are in, the first one's would be too
        assertThat(Peers.RECEIVER.await(s -> s.traceId().equals(sampled), 1, Duration.ofSeconds(10))).hasSize(1);
        assertThat(Peers.RECEIVER.await(s -> s.traceId().equals(unsampled), 1, Duration.ofMillis(300))).isEmpty();
    }

    private static io.restassured.response.Response chat(String traceparent) {
        var request = given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        if (traceparent != null) {
            request = request.header("traceparent", traceparent);
        }
        return request.post("/v1/chat/completions");
    }
}
