package dev.tollgate.gateway.tracing;

import io.opentelemetry.sdk.trace.IdGenerator;
import jakarta.inject.Singleton;

/**
 * The OpenTelemetry SDK's id generator (Quarkus installs the application's {@link IdGenerator} bean), so that an
 * exported span has the ids the gateway gave it when the request arrived: its {@code TraceEvent} on Kafka, the
 * {@code traceparent} sent to the endpoint and the exported trace then name the same spans. The SDK has no other way
 * to be told a span's id.
 *
 * <p>{@link #use} sets the ids of the next span built on the calling thread; the SDK takes them in
 * {@code startSpan}. Anything else that builds a span gets random ids, as from the SDK's own generator.
 */
@Singleton
public class SpanIds implements IdGenerator {

    private static final IdGenerator RANDOM = IdGenerator.random();
    /** The trace id and span id of the next span started on this thread, or null. */
    private static final ThreadLocal<String[]> NEXT = new ThreadLocal<>();

    /**
     * Gives the next span started on this thread these ids; the trace id is used only when that span has no valid
     * parent (a parent's trace id wins, as always in the SDK).
     */
    static void use(String traceId, String spanId) {
        NEXT.set(new String[] {traceId, spanId});
    }

    /** Forgets ids {@link #use} set that no span took (a sampler that dropped the span still takes them). */
    static void clear() {
        NEXT.remove();
    }

    @Override
    public String generateSpanId() {
        String[] next = NEXT.get();
        if (next == null || next[1] == null) {
            return RANDOM.generateSpanId();
        }
        String spanId = next[1];
        next[1] = null;
        return spanId;
    }

    @Override
    public String generateTraceId() {
        String[] next = NEXT.get();
        if (next == null || next[0] == null) {
            return RANDOM.generateTraceId();
        }
        String traceId = next[0];
        next[0] = null;
        return traceId;
    }
}
