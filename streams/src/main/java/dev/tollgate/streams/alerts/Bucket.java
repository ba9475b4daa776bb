package dev.tollgate.streams.alerts;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.sketch.BinaryCodec;
import dev.tollgate.streams.sketch.LatencySketch;

/**
 * One subject's usage in one minute, as the alert rules measure it. Mergeable, so partials summed in different org
 * tasks add up to the minute of a model or an endpoint.
 *
 * <ul>
 *   <li>{@code requests}: every event except {@code REJECTED} ones: a request the gateway refused (a rate limit, a
 *       budget, a bad key) says nothing about the model or the endpoint, and three refusals must not page anyone.</li>
 *   <li>{@code errors}: {@code UPSTREAM_ERROR} events: the endpoint failed, timed out, answered 5xx, or none was
 *       healthy. A client's own mistake ({@code CLIENT_ERROR}) is not the platform's error.</li>
 *   <li>{@code costMicros}: the cost of every event, for spend-rate rules.</li>
 *   <li>{@code latency} and {@code ttft}: of {@code OK} events only, so that fast failures do not make latency look
 *       better; the same sparse HdrHistogram buckets as the rollups ({@link LatencySketch}).</li>
 * </ul>
 *
 * Not thread-safe; {@link #add} and {@link #merge} mutate.
 */
public final class Bucket {

    long requests;
    long errors;
    long costMicros;
    final LatencySketch latency;
    final LatencySketch ttft;

    private Bucket(long requests, long errors, long costMicros, LatencySketch latency, LatencySketch ttft) {
        this.requests = requests;
        this.errors = errors;
        this.costMicros = costMicros;
        this.latency = latency;
        this.ttft = ttft;
    }

    public static Bucket empty() {
        return new Bucket(0, 0, 0, LatencySketch.empty(), LatencySketch.empty());
    }

    /** Counts one usage event. */
    public void add(UsageEvent event) {
        costMicros += event.getCostMicros();
        if (event.getStatus() == RequestStatus.REJECTED) {
            return;
        }
        requests++;
        if (event.getStatus() == RequestStatus.UPSTREAM_ERROR) {
            errors++;
        }
        if (event.getStatus() == RequestStatus.OK) {
            latency.record(event.getLatencyMs());
            if (event.getTtftMs() != null) {
                ttft.record(event.getTtftMs());
            }
        }
    }

    /** Adds everything {@code other} counted. */
    public void merge(Bucket other) {
        requests += other.requests;
        errors += other.errors;
        costMicros += other.costMicros;
        latency.mergeFrom(other.latency);
        ttft.mergeFrom(other.ttft);
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    public long costMicros() {
        return costMicros;
    }

    void writeTo(BinaryCodec.Writer out) {
        out.writeVarLong(requests);
        out.writeVarLong(errors);
        out.writeZigZag(costMicros);
        latency.writeTo(out);
        ttft.writeTo(out);
    }

    static Bucket readFrom(BinaryCodec.Reader in) {
        return new Bucket(in.readVarLong(), in.readVarLong(), in.readZigZag(), LatencySketch.readFrom(in),
                LatencySketch.readFrom(in));
    }
}
