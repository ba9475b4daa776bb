package dev.tollgate.gateway.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The spans of one request as it goes through the gateway, collected in memory and published once as a
 * {@code TraceEvent} when the request ends. Timestamps are taken with {@link System#nanoTime()} and turned into
 * wall-clock microseconds against one anchor, so span durations are exact and never negative.
 *
 * <p>Methods are synchronized on this per-request object only: its spans are written by the request's own event
 * loop, so the lock is never contended; it guards the rare callback on another thread.
 */
public final class Trace {

    /**
     * One finished span.
     *
     * @param id         the span id as a number, never 0; {@link #spanId} is its hex form
     * @param name       auth, rate_limit, route, upstream_connect, first_token, complete
     * @param startNanos start, on the {@link System#nanoTime()} clock
     * @param endNanos   end, on the same clock
     * @param ok         false when the step failed
     * @param attributes extra attributes; never content or secrets
     */
    public record Span(long id, String name, long startNanos, long endNanos, boolean ok,
                       Map<String, String> attributes) {

        /** The span id: 16 lowercase hex digits. */
        public String spanId() {
            return TraceIds.hex16(id);
        }
    }

    private final String traceId;
    private final String parentSpanId;
    private final boolean parentSampled;
    private final String rootSpanId = TraceIds.newSpanId();
    private final long anchorEpochMicros;
    private final long anchorNanos;
    private final long startNanos;
    private final List<Span> spans = new ArrayList<>(8);

    private Trace(String traceId, String parentSpanId, boolean parentSampled, long startNanos) {
        this.traceId = traceId;
        this.parentSpanId = parentSpanId;
        this.parentSampled = parentSampled;
        Instant now = Instant.now();
        this.anchorNanos = System.nanoTime();
        this.anchorEpochMicros = TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000;
        this.startNanos = startNanos;
    }

    /**
     * Starts the trace of a request received at {@code startNanos}: it joins the caller's trace when
     * {@code traceparent} is a valid W3C header, and starts a new one otherwise.
     */
    public static Trace start(String traceparent, long startNanos) {
        TraceIds.Parent parent = TraceIds.parseTraceparent(traceparent);
        return parent == null ? new Trace(TraceIds.newTraceId(), null, false, startNanos)
                : new Trace(parent.traceId(), parent.parentSpanId(), parent.sampled(), startNanos);
    }

    public String traceId() {
        return traceId;
    }

    /** The caller's span, or null when the request did not come with a trace. */
    public String parentSpanId() {
        return parentSpanId;
    }

    /** Whether the caller's {@code traceparent} said it records the trace; false when there was none. */
    public boolean parentSampled() {
        return parentSampled;
    }

    /** The gateway's span for the whole request; the parent of every step span. */
    public String rootSpanId() {
        return rootSpanId;
    }

    /**
     * The W3C {@code traceparent} the gateway sends upstream: this trace, with the gateway's root span as the
     * parent, sampled (the gateway records every request's trace). A model server that traces (vLLM with
     * {@code --otlp-traces-endpoint}) then puts its spans under the gateway's, in the caller's trace.
     */
    public String traceparent() {
        return "00-" + traceId + "-" + rootSpanId + "-01";
    }

    /** When the request was received, on the {@link System#nanoTime()} clock. */
    public long startNanos() {
        return startNanos;
    }

    /** Records a finished step. */
    public void span(String name, long startNanos, long endNanos, boolean ok) {
        span(name, startNanos, endNanos, ok, Map.of());
    }

    /**
     * Records a finished step with attributes. Cheap on purpose, since every request records several on its event
     * loop: the span id is a random number here and becomes hex only when the trace event is built, off the
     * event loop.
     */
    public void span(String name, long startNanos, long endNanos, boolean ok, Map<String, String> attributes) {
        Span span = new Span(TraceIds.newSpanIdValue(), name, startNanos, Math.max(startNanos, endNanos), ok,
                Map.copyOf(attributes));
        synchronized (this) {
            spans.add(span);
        }
    }

    /** The steps recorded so far, in the order they ended. */
    public synchronized List<Span> spans() {
        return List.copyOf(spans);
    }

    /** A {@link System#nanoTime()} reading as microseconds since the epoch. */
    public long epochMicros(long nanos) {
        return anchorEpochMicros + (nanos - anchorNanos) / 1000;
    }
}
