package dev.tollgate.gateway.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.Trace;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.TokenUsage;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The export half without Quarkus: the batch span processor {@link OtlpExport} builds, sending real OTLP/HTTP to a
 * receiver on loopback, and counting what each export did.
 */
class OtlpExportTest {

    @Test
    void sendsSpansOverOtlpHttpAndCountsThemExportedOrDroppedAsTheCollectorAnswers() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            OtlpExport export = new OtlpExport(config(receiver.endpoint()));
            try (SdkTracerProvider provider = SdkTracerProvider.builder().setIdGenerator(new SpanIds())
                    .addSpanProcessor(export.batchSpanProcessor()).build()) {
                GenAiSpans spans = new GenAiSpans(provider.get(TraceExport.SCOPE));
                Trace taken = Trace.start(null, System.nanoTime());
                taken.span("auth", taken.startNanos(), taken.startNanos() + 1_000, true);

                assertThat(export.ledger().reserve(2)).isTrue();
                spans.write(request(taken));

                assertThat(receiver.await(s -> s.traceId().equals(taken.traceId()), 2, Duration.ofSeconds(10)))
                        .extracting(OtlpReceiver.Received::spanId)
                        .containsExactlyInAnyOrder(taken.rootSpanId(), taken.spans().get(0).spanId());
                awaitPending(export.ledger());
                assertThat(export.ledger().exported()).isEqualTo(2);

                receiver.refuse(true);
                Trace refused = Trace.start(null, System.nanoTime());
                assertThat(export.ledger().reserve(1)).isTrue();
                spans.write(request(refused));
                awaitPending(export.ledger());

                assertThat(export.ledger().failed()).isEqualTo(1);
                assertThat(export.ledger().exported()).isEqualTo(2);
            }
        }
    }

    private static void awaitPending(ExportLedger ledger) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ledger.pending()).isZero());
    }

    private static TracedRequest request(Trace trace) {
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-1", new Principal("key-1", "acme", null,
                Set.of()), "m", null, null, null, false, Instant.now(), 1, null, TokenUsage.NONE, RequestStatus.OK,
                200, null, 1);
        return new TracedRequest(new ExchangeFinished(outcome, OpenAiApi.CHAT_COMPLETIONS, null, trace, null,
                ExchangeFinished.NO_OUTPUT, 0), trace.spans(), RequestParams.NONE);
    }

    static TracingConfig config(String endpoint) {
        return new TracingConfig() {
            @Override
            public Optional<URI> endpoint() {
                return Optional.of(URI.create(endpoint));
            }

            @Override
            public Map<String, String> headers() {
                return Map.of();
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(2);
            }

            @Override
            public String compression() {
                return "none";
            }

            @Override
            public int bufferCapacity() {
                return 16;
            }

            @Override
            public int maxQueueSize() {
                return 64;
            }

            @Override
            public int maxExportBatchSize() {
                return 16;
            }

            @Override
            public Duration scheduleDelay() {
                return Duration.ofMillis(50);
            }
        };
    }
}
