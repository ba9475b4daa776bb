package dev.tollgate.gateway.observability;

import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.ExchangeListener;
import dev.tollgate.gateway.events.UsageRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One log line per authenticated request, in {@code key=value} form on the {@code tollgate.access} category so
 * it can be routed or silenced on its own. It carries ids, the model, the outcome and timings only: never the
 * API key, never prompt or completion content (those reach Kafka, and only where capture is enabled).
 *
 * <p>The request's thread only queues the finished exchange; {@link AccessLogWriter} formats and logs it on its
 * own thread within {@link #WRITE_INTERVAL}, so lines appear up to that much after their requests end. When the
 * log output stalls long enough to fill {@code tollgate.access-log.buffer-capacity}, lines are dropped and counted
 * in {@code tollgate.access_log.dropped}; requests never wait on the log. Where the console is the only log
 * output (the default), each batch of lines reaches it in one write ({@link ConsoleBatch}).
 */
@Singleton
public class AccessLog implements ExchangeListener {

    static final String CATEGORY = "tollgate.access";
    /** How often queued lines are written: rarely enough to batch, often enough to read the log live. */
    static final Duration WRITE_INTERVAL = Duration.ofMillis(20);
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private final AccessLogWriter<ExchangeFinished> writer;

    @Inject
    AccessLog(AccessLogConfig config, MeterRegistry metrics,
              @ConfigProperty(name = "quarkus.log.console.stderr", defaultValue = "false") boolean consoleOnStderr) {
        Optional<ConsoleBatch> console = ConsoleBatch.find(java.util.logging.Logger.getLogger(CATEGORY),
                consoleOnStderr ? System.err : System.out);
        Consumer<String> sink = console.isPresent() ? console.get() : LOG::info;
        Runnable endOfBatch = console.isPresent() ? console.get()::flush : () -> { };
        this.writer = new AccessLogWriter<>(config.bufferCapacity(), WRITE_INTERVAL, AccessLog::line,
                sink, endOfBatch);
        // Not on the access log's own category, whose lines are all access lines.
        Logger.getLogger(AccessLog.class).infof("event=access_log_output mode=%s",
                console.isPresent() ? "console_batched" : "log_records");
        metrics.more().counter("tollgate.access_log.dropped", List.of(), writer, AccessLogWriter::dropped);
    }

    @Override
    public void onFinished(ExchangeFinished finished) {
        if (LOG.isInfoEnabled()) {
            writer.offer(finished.withoutContent()); // a waiting line must not hold the request's body
        }
    }

    @PreDestroy
    void close() {
        writer.close();
    }

    static String line(ExchangeFinished finished) {
        UsageRecorder.Outcome o = finished.outcome();
        StringBuilder line = new StringBuilder(256)
                .append("request_id=").append(o.requestId())
                .append(" trace_id=").append(finished.trace().traceId())
                .append(" org=").append(o.principal().orgId())
                .append(" key_id=").append(o.principal().keyId())
                .append(" model=").append(o.model() == null ? "-" : o.model())
                .append(" endpoint=").append(o.endpoint() == null ? "-" : o.endpoint().id())
                .append(" status=").append(o.httpStatus())
                .append(" outcome=").append(o.status())
                .append(" code=").append(o.errorCode() == null ? "-" : o.errorCode())
                .append(" stream=").append(o.streaming())
                .append(" latency_ms=").append(o.latencyMs())
                .append(" ttft_ms=").append(o.ttftMs() == null ? "-" : o.ttftMs().toString())
                .append(" upstream_ms=").append(finished.upstreamNanos() / 1_000_000)
                .append(" tokens_in=").append(o.usage().promptTokens())
                .append(" tokens_out=").append(o.usage().completionTokens());
        return line.toString();
    }
}
