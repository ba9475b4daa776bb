package dev.tollgate.gateway.observability;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.gateway.events.ExchangeFinished;
import dev.tollgate.gateway.events.ExchangeListener;
import dev.tollgate.gateway.events.UsageRecorder;
import dev.tollgate.gateway.openai.OpenAiApi;
import dev.tollgate.gateway.openai.TokenUsage;
import dev.tollgate.gateway.routing.EndpointRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request metrics, recorded once per finished request. Names follow the OpenTelemetry GenAI
 * semantic conventions where one exists ({@code gen_ai.client.operation.duration},
 * {@code gen_ai.server.time_to_first_token}, {@code gen_ai.client.token.usage} with {@code gen_ai.token.type}),
 * in Micrometer's dotted form; Prometheus shows them with underscores and a unit suffix. Histogram buckets are
 * the ones the conventions recommend. Tags are bounded: the model (a registered name; a name no endpoint serves is
 * tagged {@value #UNKNOWN_MODEL}, because it comes from the client and each new one would add series), the HTTP
 * status and the stable error code, never a key, an org or a request id. docs/observability.md lists every metric.
 */
@Singleton
public class GatewayMetrics implements ExchangeListener {

    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);
    private static final Duration[] TTFT_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
            0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
            0.025, 0.05, 0.1, 0.25);
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304};

    /** Distinct tag sets cached at most; beyond that, meters are looked up in the registry. */
    private static final int MAX_CACHED = 1_000;

    /** The model tag of a request whose model no endpoint serves, or that named none. */
    static final String UNKNOWN_MODEL = "unknown";

    private final MeterRegistry registry;
    private final EndpointRegistry endpoints;
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    @Inject
    GatewayMetrics(MeterRegistry registry, EndpointRegistry endpoints) {
        this.registry = registry;
        this.endpoints = endpoints;
    }

    /**
     * Records one finished request. The meters of its tag set are looked up in the registry once and then kept
     * here: building and registering six meters per request (tag sorting, id hashing, the registry's map) was a
     * visible share of the event loop's time per request.
     */
    @Override
    public void onFinished(ExchangeFinished finished) {
        UsageRecorder.Outcome o = finished.outcome();
        Key key = new Key(finished.api(), modelTag(o), o.httpStatus(), o.status(),
                o.errorCode() == null ? "none" : o.errorCode());
        Meters m = meters.get(key);
        if (m == null) {
            m = new Meters(key);
            if (meters.size() < MAX_CACHED) {
                meters.putIfAbsent(key, m);
            }
        }
        m.requests.increment();
        if (m.errors != null) {
            m.errors.increment();
        }
        m.duration.record(o.latencyMs(), TimeUnit.MILLISECONDS);
        if (o.ttftMs() != null) {
            m.ttft().record(o.ttftMs(), TimeUnit.MILLISECONDS);
        }
        TokenUsage usage = o.usage();
        if (usage.totalTokens() > 0) {
            m.inputTokens().record(usage.promptTokens());
            m.outputTokens().record(usage.completionTokens());
        }
        if (finished.upstreamNanos() > 0) {
            long totalNanos = TimeUnit.MILLISECONDS.toNanos(o.latencyMs());
            long overhead = Math.max(0, System.nanoTime() - finished.trace().startNanos() - finished.upstreamNanos());
            m.overhead().record(Math.min(overhead, totalNanos), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The request's model if an endpoint serves it. A request that reached an endpoint needs no lookup; one refused
     * before routing (unknown model, limits, a bad body) is checked against the registry.
     */
    private String modelTag(UsageRecorder.Outcome o) {
        if (o.endpoint() != null) {
            return o.model();
        }
        return o.model() != null && endpoints.knows(o.model()) ? o.model() : UNKNOWN_MODEL;
    }

    /**
     * The tags that tell one request's meters from another's. Equality is written out: it runs on every request,
     * and the record's generated {@code equals} and {@code hashCode} (method-handle chains on Java 17) took about
     * 3 % of the event loops' JFR samples, for what is five field comparisons.
     */
    private record Key(OpenAiApi api, String model, int httpStatus, RequestStatus status, String errorCode) {

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Key)) {
                return false;
            }
            Key that = (Key) other;
            return httpStatus == that.httpStatus && api == that.api && status == that.status
                    && model.equals(that.model) && errorCode.equals(that.errorCode);
        }

        @Override
        public int hashCode() {
            int h = api.hashCode();
            h = 31 * h + model.hashCode();
            h = 31 * h + httpStatus;
            h = 31 * h + status.hashCode();
            return 31 * h + errorCode.hashCode();
        }
    }

    /**
     * The meters of one tag set, registered once. Those that not every request records (time to first token,
     * tokens, overhead) are registered when first needed, so the exported series are the same as without the
     * cache. Two threads may register one of them at once; the registry hands both the same meter.
     */
    private final class Meters {
        final Tags base;
        final Counter requests;
        final Counter errors;
        final Timer duration;
        private volatile Timer ttft;
        private volatile DistributionSummary inputTokens;
        private volatile DistributionSummary outputTokens;
        private volatile Timer overhead;

        Meters(Key key) {
            base = Tags.of("gen_ai.operation.name", key.api().genAiOperation(), "gen_ai.request.model", key.model());
            String status = Integer.toString(key.httpStatus());
            requests = Counter.builder("tollgate.requests").description("Requests answered, by HTTP status and error code")
                    .tags(base).tag("http.response.status_code", status)
                    .tag("tollgate.status", key.status().name()).tag("error.type", key.errorCode())
                    .register(registry);
            errors = "none".equals(key.errorCode()) ? null : Counter.builder("tollgate.errors")
                    .description("Requests that ended in an error, by stable error code")
                    .tags(base).tag("error.type", key.errorCode()).tag("http.response.status_code", status)
                    .register(registry);
            duration = Timer.builder("gen_ai.client.operation.duration")
                    .description("Time from receiving a request to its last byte")
                    .tags(base).tag("error.type", key.errorCode()).serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry);
        }

        Timer ttft() {
            Timer timer = ttft;
            if (timer == null) {
                timer = Timer.builder("gen_ai.server.time_to_first_token")
                        .description("Time from receiving a streaming request to its first token")
                        .tags(base).serviceLevelObjectives(TTFT_BUCKETS)
                        .register(registry);
                ttft = timer;
            }
            return timer;
        }

        DistributionSummary inputTokens() {
            DistributionSummary summary = inputTokens;
            if (summary == null) {
                summary = tokens(base, "input");
                inputTokens = summary;
            }
            return summary;
        }

        DistributionSummary outputTokens() {
            DistributionSummary summary = outputTokens;
            if (summary == null) {
                summary = tokens(base, "output");
                outputTokens = summary;
            }
            return summary;
        }

        Timer overhead() {
            Timer timer = overhead;
            if (timer == null) {
                timer = Timer.builder("tollgate.gateway.overhead")
                        .description("The gateway's own time per request: total latency minus the upstream call")
                        .tags(base).serviceLevelObjectives(OVERHEAD_BUCKETS)
                        .register(registry);
                overhead = timer;
            }
            return timer;
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
