package dev.tollgate.gateway.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.events.v1.Span;
import dev.tollgate.events.v1.TraceEvent;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The three events of one request, read back from the real broker through the real registry. */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class ExchangeEventsIT {

    static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;
    @Inject
    PrometheusMeterRegistry prometheus;

    @Test
    void publishesUsageRequestAndTraceEventsOfAStreamedRequestInTheCallersTrace() {
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"stream\":true,\"max_tokens\":8,"
                        + "\"temperature\":0.5,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        List<EventTopics.Received> events;
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.USAGE, Topics.REQUESTS,
                Topics.TRACES))) {
            events = topics.await(r -> requestIdOf(r.value()).equals(requestId), 3, Duration.ofSeconds(20));
            events.addAll(topics.await(r -> requestIdOf(r.value()).equals(requestId), 1, Duration.ofSeconds(1)));
        }
        assertThat(events).extracting(EventTopics.Received::topic)
                .containsExactlyInAnyOrder(Topics.USAGE, Topics.REQUESTS, Topics.TRACES);
        assertThat(events).extracting(EventTopics.Received::key).containsOnly("it-org");

        RequestEvent request = only(events, RequestEvent.class);
        assertThat(request.getParams().getStream()).isTrue();
        assertThat(request.getParams().getTemperature()).isEqualTo(0.5);
        assertThat(request.getFinishReason()).isNotNull();
        assertThat(request.getContent()).isNull();
        assertThat(request.getEventId()).isNotEqualTo(only(events, UsageEvent.class).getEventId());

        TraceEvent trace = only(events, TraceEvent.class);
        assertThat(trace.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(trace.getSpans().get(0).getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(trace.getSpans().stream().map(Span::getName).collect(Collectors.toSet()))
                .contains("chat", "auth", "rate_limit", "route", "upstream_connect", "first_token", "complete");
    }

    @Test
    void namesTheApiOfAnEmbeddingOnItsRequestAndTraceEvents() {
        String requestId = UUID.randomUUID().toString();

        given().header("Authorization", "Bearer " + KEY).header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"input\":[\"one\",\"two\",\"three\"]}")
                .post("/v1/embeddings").then().statusCode(200);

        List<EventTopics.Received> events;
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.REQUESTS, Topics.TRACES))) {
            events = topics.await(r -> requestIdOf(r.value()).equals(requestId), 2, Duration.ofSeconds(20));
        }
        RequestEvent request = only(events, RequestEvent.class);
        assertThat(request.getApi()).isEqualTo("embeddings");
        assertThat(request.getParams().getMessageCount()).isEqualTo(3);
        assertThat(request.getParams().getMaxTokens()).isNull();
        TraceEvent trace = only(events, TraceEvent.class);
        assertThat(trace.getSpans().get(0).getName()).isEqualTo("embeddings");
        assertThat(trace.getSpans().get(0).getAttributes()).containsEntry("gen_ai.operation.name", "embeddings");
    }

    @Test
    void exposesGenAiMetricsInPrometheusFormat() {
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"stream\":true,\"max_tokens\":4,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200);

        // the meters are recorded just after the answer's last bytes are written, so the client can be first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(prometheus.scrape()).contains(
                "gen_ai_client_operation_duration_seconds_bucket", "gen_ai_server_time_to_first_token_seconds_bucket",
                "gen_ai_client_token_usage_tokens_bucket", "gen_ai_token_type=\"input\"",
                "gen_ai_token_type=\"output\"", "tollgate_requests_total", "tollgate_gateway_overhead_seconds_bucket",
                "tollgate_events_backlog", "gen_ai_request_model=\"" + VllmSimulatorResource.MODEL + "\""));
    }

    @Test
    void tagsMetricsOfModelsNoEndpointServesAsUnknownSoClientsCannotAddSeries() {
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                    .body("{\"model\":\"no-such-model-" + i
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(404);
        }

        String scrape = prometheus.scrape();

        assertThat(scrape).doesNotContain("no-such-model-");
        assertThat(scrape).containsPattern(
                "tollgate_requests_total\\{[^}]*error_type=\"model_not_found\"[^}]*gen_ai_request_model=\"unknown\"");
    }

    private static <T> T only(List<EventTopics.Received> events, Class<T> type) {
        List<T> matching = events.stream().map(EventTopics.Received::value).filter(type::isInstance).map(type::cast)
                .toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    static String requestIdOf(Object event) {
        if (event instanceof UsageEvent u) {
            return u.getRequestId();
        }
        if (event instanceof RequestEvent r) {
            return r.getRequestId();
        }
        if (event instanceof TraceEvent t) {
            return t.getRequestId();
        }
        return "";
    }
}
