package dev.tollgate.gateway.tracing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the spans on their way out, so that the batch span processor never has to drop one unseen: the tracing
 * thread {@link #reserve reserves} room for a request's spans before it builds them, and the exporter
 * {@link #exported releases} it when their export ends, sent or failed. The processor's queue then never holds more
 * than {@code capacity} spans, its own bound: when the collector is slow or away, requests wait in the tracing
 * buffer instead, where a full buffer drops and counts them.
 *
 * <p>Only the tracing thread reserves; exporter threads release.
 */
final class ExportLedger {

    private final int capacity;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    ExportLedger(int capacity) {
        this.capacity = capacity;
    }

    /** Takes room for {@code spans} spans; false, and nothing taken, when there is not enough. */
    boolean reserve(int spans) {
        if (pending.get() + spans > capacity) {
            return false;
        }
        pending.addAndGet(spans);
        return true;
    }

    /** Gives back room taken for spans that were never handed on (a sampler dropped them). */
    void unreserve(int spans) {
        pending.addAndGet(-spans);
    }

    /** {@code spans} of the reserved spans reached the collector. */
    void exported(int spans) {
        exported.addAndGet(spans);
        pending.addAndGet(-spans);
    }

    /** An export of {@code spans} reserved spans failed: they are dropped. */
    void failed(int spans) {
        failed.addAndGet(spans);
        pending.addAndGet(-spans);
    }

    /** Spans dropped before they were built: their request found the tracing buffer full. */
    void droppedUnbuilt(int spans) {
        dropped.addAndGet(spans);
    }

    /** Spans handed on and not yet through an export. */
    long pending() {
        return pending.get();
    }

    long exported() {
        return exported.get();
    }

    long failed() {
        return failed.get();
    }

    long droppedUnbuilt() {
        return dropped.get();
    }
}
