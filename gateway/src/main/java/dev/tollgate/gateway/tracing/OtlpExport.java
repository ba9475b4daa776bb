package dev.tollgate.gateway.tracing;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Set;

/**
 * The export half of tracing: the SDK's {@link BatchSpanProcessor} in front of OpenTelemetry's OTLP/HTTP exporter,
 * wrapped to count what each export did ({@link CountingSpanExporter}). Quarkus adds the processor to its tracer
 * provider (it installs every {@link SpanProcessor} bean); Quarkus's own OTLP exporter is switched off
 * ({@code quarkus.otel.traces.exporter=none}) because it reports nothing of what it fails to send
 * (docs/decisions/0024-opentelemetry-export.md).
 */
@Singleton
public class OtlpExport {

    private static final Set<String> COMPRESSIONS = Set.of("gzip", "none");

    private final TracingConfig config;
    private final ExportLedger ledger;

    @Inject
    OtlpExport(TracingConfig config) {
        this.config = config;
        this.ledger = new ExportLedger(config.maxQueueSize());
    }

    /** The spans on their way out; shared by the tracing thread and the exporter. */
    ExportLedger ledger() {
        return ledger;
    }

    /** The batch span processor the SDK hands ended spans to; a no-op one when no endpoint is set. */
    @Produces
    @Singleton
    SpanProcessor batchSpanProcessor() {
        if (config.endpoint().isEmpty()) {
            return SpanProcessor.composite();
        }
        validate(config);
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(config.endpoint().get().toString())
                .setTimeout(config.timeout())
                .setCompression(config.compression())
                // Counted by CountingSpanExporter into Micrometer; the SDK's own metrics are not exported.
                .setMeterProvider(MeterProvider::noop);
        config.headers().forEach(exporter::addHeader);
        return BatchSpanProcessor.builder(new CountingSpanExporter(exporter.build(), ledger, TraceExport.SCOPE))
                .setMaxQueueSize(config.maxQueueSize())
                .setMaxExportBatchSize(config.maxExportBatchSize())
                .setScheduleDelay(config.scheduleDelay())
                .setExporterTimeout(config.timeout())
                .build();
    }

    /**
     * Refuses settings the export cannot work with, at start, with the setting's name: an endpoint that is not an
     * absolute http(s) URL, an unknown compression, a batch larger than the queue, a zero size or duration.
     */
    static void validate(TracingConfig config) {
        URI endpoint = config.endpoint().orElseThrow();
        if (endpoint.getScheme() == null || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("tollgate.tracing.endpoint must be an http(s) URL with a host, such as "
                    + "http://otel-collector:4318/v1/traces, not " + redacted(endpoint));
        }
        if (!COMPRESSIONS.contains(config.compression())) {
            throw new IllegalArgumentException("tollgate.tracing.compression must be gzip or none, not "
                    + config.compression());
        }
        if (config.maxExportBatchSize() < 1 || config.maxQueueSize() < config.maxExportBatchSize()) {
            throw new IllegalArgumentException("tollgate.tracing.max-export-batch-size must be at least 1 and at "
                    + "most tollgate.tracing.max-queue-size, was " + config.maxExportBatchSize() + " and "
                    + config.maxQueueSize());
        }
        if (config.bufferCapacity() < 1) {
            throw new IllegalArgumentException("tollgate.tracing.buffer-capacity must be at least 1, was "
                    + config.bufferCapacity());
        }
        if (config.timeout().isZero() || config.timeout().isNegative() || config.scheduleDelay().isZero()
                || config.scheduleDelay().isNegative()) {
            throw new IllegalArgumentException("tollgate.tracing.timeout and tollgate.tracing.schedule-delay must be "
                    + "positive, were " + config.timeout() + " and " + config.scheduleDelay());
        }
    }

    /** The endpoint without any user info or query, which may hold a credential: safe to log. */
    static String redacted(URI endpoint) {
        return (endpoint.getScheme() == null ? "" : endpoint.getScheme() + "://")
                + (endpoint.getHost() == null ? "" : endpoint.getHost())
                + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort())
                + (endpoint.getPath() == null ? "" : endpoint.getPath());
    }
}
