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
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The tracing buffer and the ledger: bounded, counted, and never in a request's way. */
class SpanFeedTest {

    private static final Principal ACME = new Principal("key-1", "acme", null, Set.of());

    @Test
    void dropsAndCountsTheSpansOfRequestsBeyondTheBufferWithoutWaiting() {
        ExportLedger ledger = new ExportLedger(10);
        assertThat(ledger.reserve(10)).isTrue(); // the processor is full: a stalled collector
        try (SpanFeed feed = new SpanFeed(2, Duration.ofMillis(5), ledger, new GenAiSpans(TracerProvider.noop()
                .get("test")))) {
            long start = System.nanoTime();
            assertThat(feed.offer(request(3))).isTrue();
            assertThat(feed.offer(request(3))).isTrue();
            assertThat(feed.offer(request(3))).isFalse();
            assertThat(feed.offer(request(5))).isFalse();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
            assertThat(ledger.droppedUnbuilt()).isEqualTo(3 + 5);
            assertThat(feed.waiting()).isEqualTo(2);
        }
    }

    @Test
    void buildsWaitingRequestsOnceTheProcessorHasRoomAgain() throws Exception {
        ExportLedger ledger = new ExportLedger(10);
        assertThat(ledger.reserve(10)).isTrue();
        try (SpanFeed feed = new SpanFeed(8, Duration.ofMillis(5), ledger, new GenAiSpans(TracerProvider.noop()
                .get("test")))) {
            feed.offer(request(3));
            Thread.sleep(50);
            assertThat(feed.waiting()).isEqualTo(1);

            ledger.exported(10);

            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                assertThat(feed.waiting()).isZero();
                // the no-op tracer records nothing: the room taken is given back, as for a trace sampled out
                assertThat(ledger.pending()).isZero();
            });
        }
    }

    @Test
    void dropsARequestWithMoreSpansThanTheProcessorMayEverHold() throws Exception {
        ExportLedger ledger = new ExportLedger(4);
        try (SpanFeed feed = new SpanFeed(8, Duration.ofMillis(5), ledger, new GenAiSpans(TracerProvider.noop()
                .get("test")))) {
            feed.offer(request(5));
            feed.offer(request(2));

            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(feed.waiting()).isZero());
            assertThat(ledger.droppedUnbuilt()).isEqualTo(5);
        }
    }

    @Test
    void countsTheSpansOfAFailedExportAsDroppedAndGivesTheirRoomBack() {
        ExportLedger ledger = new ExportLedger(100);
        ledger.reserve(5);
        ledger.reserve(3);
        CountingSpanExporter failing = new CountingSpanExporter(exporter(CompletableResultCode.ofFailure()), ledger,
                "test");
        CountingSpanExporter taking = new CountingSpanExporter(exporter(CompletableResultCode.ofSuccess()), ledger,
                "test");

        failing.export(spans(5));
        taking.export(spans(3));

        assertThat(ledger.failed()).isEqualTo(5);
        assertThat(ledger.exported()).isEqualTo(3);
        assertThat(ledger.pending()).isZero();
    }

    /** A finished request with {@code spans} spans: its own and {@code spans - 1} steps. */
    private static TracedRequest request(int spans) {
        Trace trace = Trace.start(null, System.nanoTime());
        for (int i = 1; i < spans; i++) {
            trace.span("step-" + i, trace.startNanos(), trace.startNanos() + i, true);
        }
        UsageRecorder.Outcome outcome = new UsageRecorder.Outcome("req-1", ACME, "m", null, null, null, false,
                Instant.now(), 1, null, TokenUsage.NONE, RequestStatus.OK, 200, null, 1);
        return new TracedRequest(new ExchangeFinished(outcome, OpenAiApi.CHAT_COMPLETIONS, null, trace, null,
                ExchangeFinished.NO_OUTPUT, 0), trace.spans(), RequestParams.NONE);
    }

    /** {@code count} real spans of the instrumentation scope {@code test}, ended. */
    private static List<SpanData> spans(int count) {
        List<SpanData> ended = new CopyOnWriteArrayList<>();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                    @Override
                    public CompletableResultCode export(Collection<SpanData> spans) {
                        ended.addAll(spans);
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
                })).build()) {
            for (int i = 0; i < count; i++) {
                provider.get("test").spanBuilder("s" + i).startSpan().end();
            }
        }
        return ended;
    }

    private static SpanExporter exporter(CompletableResultCode result) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
