package dev.tollgate.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.ApiRequest;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.RequestParser;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.Endpoint;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.gateway.routing.Price;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The spans of one finished request, built by the real SDK with the gateway's id generator. */
class GenAiSpansTest {

    private static final Principal ACME = new Principal("key-1", "acme", "search", Set.of());
    private static final Endpoint VLLM = new Endpoint("ep-1", "llama", URI.create("http://vllm-1:8000"),
            new Price(1, 1, 1), 1, Environment.STAGING);
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private final List<SpanData> exported = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .setIdGenerator(new SpanIds())
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            .addSpanProcessor(SimpleSpanProcessor.create(new Collecting()))
            .build();
    private final GenAiSpans spans = new GenAiSpans(provider.get(TraceExport.SCOPE));

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void givesEverySpanTheIdsAndTimesItsRequestRecorded() {
        long start = System.nanoTime();
        Trace trace = Trace.start("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01", start);
        trace.span("auth", start, start + 1_000, true);
        trace.span("route", start + 2_000, start + 3_000, true, Map.of("tollgate.endpoint_id", "ep-1"));

        int handed = spans.write(request(trace, 200, null, "llama"));

        assertThat(handed).isEqualTo(3);
        SpanData root = only(CALLER_SPAN);
        assertThat(root.getTraceId()).isEqualTo(CALLER_TRACE);
        assertThat(root.getSpanId()).isEqualTo(trace.rootSpanId());
        assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(root.getName()).isEqualTo("chat llama");
        assertThat(root.getStartEpochNanos()).isEqualTo(trace.epochMicros(start) * 1_000);
        assertThat(root.getEndEpochNanos()).isEqualTo(trace.epochMicros(start + 42_000_000L) * 1_000);
        assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        List<SpanData> steps = exported.stream().filter(s -> s != root).toList();
        assertThat(steps).extracting(SpanData::getSpanId)
                .containsExactlyInAnyOrderElementsOf(trace.spans().stream().map(Trace.Span::spanId).toList());
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.getTraceId()).isEqualTo(CALLER_TRACE);
            assertThat(step.getParentSpanId()).isEqualTo(trace.rootSpanId());
            assertThat(step.getKind()).isEqualTo(SpanKind.INTERNAL);
        });
        SpanData route = steps.stream().filter(s -> s.getName().equals("route")).findFirst().orElseThrow();
        assertThat(route.getAttributes().get(AttributeKey.stringKey("tollgate.endpoint_id"))).isEqualTo("ep-1");
        assertThat(route.getStartEpochNanos()).isEqualTo(trace.epochMicros(start + 2_000) * 1_000);
    }

    @Test
    void startsTheTraceTheGatewayPropagatedWhenTheCallerSentNone() {
        Trace trace = Trace.start(null, System.nanoTime());

        spans.write(request(trace, 200, null, "llama"));

        SpanData root = exported.get(0);
        assertThat(root.getTraceId()).isEqualTo(trace.traceId());
        assertThat(root.getSpanId()).isEqualTo(trace.rootSpanId());
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(trace.traceparent()).isEqualTo("00-" + root.getTraceId() + "-" + root.getSpanId() + "-01");
    }

    @Test
    void recordsTheGenAiConventionsAttributesAndNoContent() {
        Trace trace = Trace.start(null, System.nanoTime());

        spans.write(request(trace, 200, null, "llama"));

        var attributes = exported.get(0).getAttributes().asMap();
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.OPERATION)).isEqualTo("chat");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.PROVIDER)).isEqualTo("vllm");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.REQUEST_MODEL)).isEqualTo("llama");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.RESPONSE_MODEL)).isEqualTo("llama-3-8b");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.MAX_TOKENS)).isEqualTo(64L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.TEMPERATURE)).isEqualTo(0.2);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.SEED)).isEqualTo(7L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.CHOICE_COUNT)).isEqualTo(2L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.INPUT_TOKENS)).isEqualTo(10L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.OUTPUT_TOKENS)).isEqualTo(5L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.FINISH_REASONS)).containsExactly("length");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.SERVER_ADDRESS)).isEqualTo("vllm-1");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.SERVER_PORT)).isEqualTo(8000L);
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.ENVIRONMENT)).isEqualTo("staging");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.TEAM)).isEqualTo("search");
        assertThat(attributes.values()).noneMatch(v -> v.toString().contains("secret prompt")
                || v.toString().contains("u-42"));
    }

    @Test
    void marksServerErrorsAsErrorsAndClientErrorsOnlyByTheirType() {
        spans.write(request(Trace.start(null, System.nanoTime()), 502, "upstream_error", "llama"));
        spans.write(request(Trace.start(null, System.nanoTime()), 429, "rate_limit_exceeded", "llama"));

        assertThat(exported).extracting(s -> s.getStatus().getStatusCode())
                .containsExactly(StatusCode.ERROR, StatusCode.UNSET);
        assertThat(exported).extracting(s -> s.getAttributes().get(GenAiSpans.ERROR_TYPE))
                .containsExactly("upstream_error", "rate_limit_exceeded");
    }

    @Test
    void buildsNothingWhenTheCallersTraceIsNotSampled() {
        Trace trace = Trace.start("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00", System.nanoTime());
        trace.span("auth", trace.startNanos(), trace.startNanos() + 1, true);

        assertThat(spans.write(request(trace, 200, null, "llama"))).isZero();
        assertThat(exported).isEmpty();
    }

    @Test
    void namesARequestThatReachedNoEndpointByItsOperationOnly() {
        TracedRequest refused = new TracedRequest(new ExchangeFinished(outcome("made-up-model-name", null, 404,
                "model_not_found"), OpenAiApi.CHAT_COMPLETIONS, null, Trace.start(null, System.nanoTime()), null,
                ExchangeFinished.NO_OUTPUT, 0), List.of(), RequestParams.NONE);

        spans.write(refused);

        assertThat(exported.get(0).getName()).isEqualTo("chat");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.REQUEST_MODEL)).isEqualTo("made-up-model-name");
        assertThat(exported.get(0).getAttributes().get(GenAiSpans.INPUT_TOKENS)).isNull();
    }

    @Test
    void namesHostedProvidersByTheConventionsWellKnownNames() {
        assertThat(GenAiProvider.of(endpoint("https://api.openai.com/v1"))).isEqualTo("openai");
        assertThat(GenAiProvider.of(endpoint("https://acme.openai.azure.com/openai"))).isEqualTo("azure.ai.openai");
        assertThat(GenAiProvider.of(endpoint("https://generativelanguage.googleapis.com/v1beta/openai")))
                .isEqualTo("gcp.gemini");
        assertThat(GenAiProvider.of(endpoint("http://10.0.0.7:8000"))).isEqualTo("vllm");
        assertThat(GenAiProvider.of(null)).isEqualTo("vllm");
    }

    private static Endpoint endpoint(String url) {
        return new Endpoint("ep", "m", URI.create(url), new Price(1, 1, 1));
    }

    private SpanData only(String parentSpanId) {
        List<SpanData> matching = exported.stream().filter(s -> s.getParentSpanId().equals(parentSpanId)).toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private static TracedRequest request(Trace trace, int status, String errorCode, String model) {
        try {
            ObjectNode body = (ObjectNode) RequestParser.MAPPER.readTree("{\"model\":\"llama\",\"temperature\":0.2,"
                    + "\"n\":2,\"seed\":7,\"max_tokens\":64,\"user\":\"u-42\",\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"a secret prompt\"}]}");
            ApiRequest request = new ApiRequest(OpenAiApi.CHAT_COMPLETIONS, body, model, false, false, 64L, "u-42", 1);
            ExchangeFinished finished = new ExchangeFinished(outcome(model, VLLM, status, errorCode),
                    OpenAiApi.CHAT_COMPLETIONS, request, trace, "length", "llama-3-8b", ExchangeFinished.NO_OUTPUT,
                    1_000_000, null);
            return new TracedRequest(finished.withoutContent(), trace.spans(), RequestParams.of(request));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UsageRecorder.Outcome outcome(String model, Endpoint endpoint, int status, String errorCode) {
        return new UsageRecorder.Outcome("req-1", ACME, model, endpoint, Environment.STAGING, "u-42", false,
                Instant.parse("2026-11-22T10:00:00Z"), 42, null, new TokenUsage(10, 5, 0, false),
                status < 400 ? RequestStatus.OK : RequestStatus.UPSTREAM_ERROR, status, errorCode, 1);
    }

    private final class Collecting implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
