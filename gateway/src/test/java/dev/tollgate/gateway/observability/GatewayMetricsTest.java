package dev.tollgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Price;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    private static final Principal ACME = new Principal("key-1", "acme", "search", Set.of());

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Every exchange here reached an endpoint, so the endpoint registry (for unknown models) is never consulted. */
    private final GatewayMetrics metrics = new GatewayMetrics(registry, null);

    @Test
    void countsEachTagSetOnItsOwnSeriesWhenTagSetsDifferInOneTag() {
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "llama", 200, RequestStatus.OK, null));
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "llama", 200, RequestStatus.OK, null));
        metrics.onFinished(finished(OpenAiApi.EMBEDDINGS, "llama", 200, RequestStatus.OK, null));
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "mistral", 200, RequestStatus.OK, null));
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "llama", 502, RequestStatus.UPSTREAM_ERROR,
                "upstream_error"));
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "llama", 502, RequestStatus.UPSTREAM_ERROR,
                "upstream_timeout"));
        metrics.onFinished(finished(OpenAiApi.CHAT_COMPLETIONS, "llama", 499, RequestStatus.CANCELLED,
                "upstream_timeout"));

        assertThat(requests("chat", "llama", "200", "OK", "none")).isEqualTo(2);
        assertThat(requests("embeddings", "llama", "200", "OK", "none")).isEqualTo(1);
        assertThat(requests("chat", "mistral", "200", "OK", "none")).isEqualTo(1);
        assertThat(requests("chat", "llama", "502", "UPSTREAM_ERROR", "upstream_error")).isEqualTo(1);
        assertThat(requests("chat", "llama", "502", "UPSTREAM_ERROR", "upstream_timeout")).isEqualTo(1);
        assertThat(requests("chat", "llama", "499", "CANCELLED", "upstream_timeout")).isEqualTo(1);
        assertThat(registry.get("tollgate.requests").counters()).hasSize(6);
        assertThat(registry.get("tollgate.errors").tag("error.type", "upstream_timeout").counters())
                .extracting(c -> c.count()).containsExactlyInAnyOrder(1.0, 1.0);
    }

    private double requests(String operation, String model, String status, String outcome, String code) {
        return registry.get("tollgate.requests").tag("gen_ai.operation.name", operation)
                .tag("gen_ai.request.model", model).tag("http.response.status_code", status)
                .tag("tollgate.status", outcome).tag("error.type", code).counter().count();
    }

    private static ExchangeFinished finished(OpenAiApi api, String model, int httpStatus, RequestStatus status,
            String errorCode) {
        Endpoint endpoint = new Endpoint("ep-" + model, model, URI.create("http://127.0.0.1:8000"), new Price(1, 1, 1));
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-1", ACME, model, endpoint, null, null, false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(10, 5, 0, false), status, httpStatus,
                errorCode, 1);
        return new ExchangeFinished(outcome, api, null, Trace.start(null, System.nanoTime()), "stop",
                ExchangeFinished.NO_OUTPUT, 1_000_000);
    }
}
