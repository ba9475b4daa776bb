package dev.tollgate.gateway.tracing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Exporting the gateway's traces to an OpenTelemetry collector over OTLP/HTTP ({@code tollgate.tracing.*}). Off
 * unless {@link #endpoint()} is set; docs/observability.md#tracing-with-opentelemetry. Sampling, the service name
 * and resource attributes are Quarkus's own {@code quarkus.otel.*} settings.
 */
@ConfigMapping(prefix = "tollgate.tracing")
public interface TracingConfig {

    /**
     * The collector's OTLP/HTTP traces URL, e.g. {@code http://otel-collector:4318/v1/traces}. Setting it turns
     * tracing on ({@link TracingSwitch}); unset, the OpenTelemetry SDK is not even started.
     */
    Optional<URI> endpoint();

    /** Headers sent with every export, e.g. an {@code authorization} a hosted backend asks for. */
    Map<String, String> headers();

    /** How long one export may take, retries included, before its spans are counted as dropped. */
    @WithDefault("10s")
    Duration timeout();

    /** {@code gzip} or {@code none}. */
    @WithDefault("none")
    String compression();

    /**
     * Finished requests that may wait for the tracing thread to turn them into spans; while exports cannot keep up
     * and this many wait, the spans of further requests are dropped and counted.
     */
    @WithDefault("4096")
    int bufferCapacity();

    /** Spans that may wait in the batch span processor or in an export under way. */
    @WithDefault("8192")
    int maxQueueSize();

    /** Spans sent in one export at most. */
    @WithDefault("512")
    int maxExportBatchSize();

    /** How long the batch span processor waits for a batch to fill before it exports what it has. */
    @WithDefault("1s")
    Duration scheduleDelay();
}
