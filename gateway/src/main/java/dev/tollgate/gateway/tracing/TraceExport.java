package dev.tollgate.gateway.tracing;

import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.ExchangeListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Exports every finished request's trace to an OpenTelemetry collector, when {@code tollgate.tracing.endpoint} is
 * set (docs/observability.md#tracing-with-opentelemetry). The request's thread only queues the finished exchange
 * ({@link SpanFeed}); spans are built later on the tracing thread with the ids and timestamps the request recorded
 * ({@link GenAiSpans}) and exported in batches ({@link OtlpExport}).
 *
 * <p>Off, it does nothing at all: the listener returns at once, no thread is started and no meter registered, and
 * the OpenTelemetry SDK itself is not started ({@link TracingSwitch}).
 */
@Singleton
public class TraceExport implements ExchangeListener {

    /** The instrumentation scope of the gateway's spans. */
    static final String SCOPE = "dev.tollgate.gateway";
    /** How often the tracing thread builds the spans of the requests that finished since. */
    static final Duration FEED_INTERVAL = Duration.ofMillis(20);
    private static final Logger LOG = Logger.getLogger(TraceExport.class);

    private final SpanFeed feed;
    private final String mode;

    @Inject
    TraceExport(TracingConfig config, OtlpExport export, Instance<OpenTelemetry> openTelemetry, MeterRegistry metrics,
                @ConfigProperty(name = TracingSwitch.SDK_DISABLED, defaultValue = "false") boolean sdkDisabled) {
        if (config.endpoint().isEmpty() || sdkDisabled) {
            this.feed = null;
            this.mode = config.endpoint().isEmpty() ? "event=tracing mode=off"
                    : "event=tracing mode=off reason=quarkus.otel.sdk.disabled endpoint="
                    + OtlpExport.redacted(config.endpoint().get());
            return;
        }
        OtlpExport.validate(config);
        ExportLedger ledger = export.ledger();
        this.feed = new SpanFeed(config.bufferCapacity(), FEED_INTERVAL, ledger,
                new GenAiSpans(openTelemetry.get().getTracer(SCOPE)));
        this.mode = "event=tracing mode=otlp_http endpoint=" + OtlpExport.redacted(config.endpoint().get());
        FunctionCounter.builder("tollgate.tracing.spans.exported", ledger, ExportLedger::exported)
                .description("Spans the OpenTelemetry collector took").register(metrics);
        FunctionCounter.builder("tollgate.tracing.spans.dropped", ledger, ExportLedger::droppedUnbuilt)
                .description("Spans dropped: the tracing buffer was full, or their export failed")
                .tag("reason", "buffer_full").register(metrics);
        FunctionCounter.builder("tollgate.tracing.spans.dropped", ledger, ExportLedger::failed)
                .description("Spans dropped: the tracing buffer was full, or their export failed")
                .tag("reason", "export_failed").register(metrics);
        Gauge.builder("tollgate.tracing.spans.pending", ledger, ExportLedger::pending)
                .description("Spans handed to the batch span processor and not yet through an export")
                .register(metrics);
        Gauge.builder("tollgate.tracing.backlog", feed, SpanFeed::waiting)
                .description("Finished requests waiting for the tracing thread").register(metrics);
    }

    /** Says at start whether traces are exported, and where (never a header, nor credentials in the URL). */
    void started(@Observes StartupEvent ignored) {
        LOG.info(mode);
    }

    /**
     * Queues the request for the tracing thread, without its body: its parameters are taken now, a few field
     * lookups, and its steps as they stand, the ones its {@code TraceEvent} has.
     */
    @Override
    public void onFinished(ExchangeFinished finished) {
        if (feed != null) {
            feed.offer(new TracedRequest(finished.withoutContent(), finished.trace().spans(),
                    RequestParams.of(finished.request())));
        }
    }

    /** Builds the spans of what waits before the SDK shuts down and flushes them. */
    void stopping(@Observes ShutdownEvent ignored) {
        if (feed != null) {
            feed.close();
        }
    }
}
