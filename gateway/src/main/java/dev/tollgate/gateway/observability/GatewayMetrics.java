package dev.tollgate.gateway.observability;

import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.TokenUsage;
import dev.tollgate.gateway.events.UsageRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request metrics, recorded once per finished request. Names follow the OpenTelemetry GenAI
 * semantic conventions where one exists ({@code gen_ai.client.operation.duration},
 * {@code gen_ai.server.time_to_first_token}, {@code gen_ai.client.token.usage} with {@code gen_ai.token.type}),
 * in Micrometer's dotted form; Prometheus shows them with underscores and a unit suffix. Histogram buckets are
 * the ones the conventions recommend. Tags are bounded: the model (a registered name), the HTTP status and the
 * stable error code, never a key, an org or a request id. docs/observability.md lists every metric.
 */
@ApplicationScoped
public class GatewayMetrics {

    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);
    private static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
            0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
            0.025, 0.05, 0.1, 0.25);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304};

    private final MeterRegistry registry;

    @Inject
    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(@Observes ExchangeFinished finished) {
        UsageRecorder.Outcome o = finished.outcome();
        String model = o.model() == null ? "unknown" : o.model();
        String code = o.errorCode() == null ? "none" : o.errorCode();
        Tags base = Tags.of("gen_ai.operation.name", finished.api().genAiOperation(), "gen_ai.request.model", model);
        Counter.builder("tollgate.requests").description("Requests answered, by HTTP status and error code")
                .tags(base).tag("http.response.status_code", Integer.toString(o.httpStatus()))
                .tag("tollgate.status", o.status().name()).tag("error.type", code)
                .register(registry).increment();
        if (o.errorCode() != null) {
            Counter.builder("tollgate.errors").description("Requests that ended in an error, by stable error code")
                    .tags(base).tag("error.type", code).tag("http.response.status_code", Integer.toString(o.httpStatus()))
                    .register(registry).increment();
        }
        Timer.builder("gen_ai.client.operation.duration")
                .description("Time from receiving a request to its last byte")
                .tags(base).tag("error.type", code).serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry).record(o.latencyMs(), TimeUnit.MILLISECONDS);
        if (o.ttftMs() != null) {
            Timer.builder("gen_ai.server.time_to_first_token")
                    .description("Time from receiving a streaming request to its first token")
                    .tags(base).serviceLevelObjectives(TTFT_BUCKETS)
                    .register(registry).record(o.ttftMs(), TimeUnit.MILLISECONDS);
        }
        TokenUsage usage = o.usage();
        if (usage.totalTokens() > 0) {
            tokens(base, "input").record(usage.promptTokens());
            tokens(base, "output").record(usage.completionTokens());
        }
        if (finished.upstreamNanos() > 0) {
            long totalNanos = TimeUnit.MILLISECONDS.toNanos(o.latencyMs());
            long overhead = Math.max(0, System.nanoTime() - finished.trace().startNanos() - finished.upstreamNanos());
            Timer.builder("tollgate.gateway.overhead")
                    .description("The gateway's own time per request: total latency minus the upstream call")
                    .tags(base).serviceLevelObjectives(OVERHEAD_BUCKETS)
                    .register(registry).record(Math.min(overhead, totalNanos), TimeUnit.NANOSECONDS);
        }
    }

    private DistributionSummary tokens(Tags base, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage").baseUnit("tokens")
                .description("Tokens used per request, by token type (input or output)")
                .tags(base).tag("gen_ai.token.type", type).serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return durations;
    }
}
