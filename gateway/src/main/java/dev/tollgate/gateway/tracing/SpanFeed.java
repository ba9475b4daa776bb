package dev.tollgate.gateway.tracing;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * Turns finished requests into spans on one background thread ({@code tollgate-tracing}), a batch at a time.
 *
 * <p><b>Why a thread of its own:</b> a request's event loop only adds the finished request to a lock-free queue;
 * building a request's seven or eight spans (attributes, ids, the SDK's span objects) and handing them to the batch
 * span processor happen here, after the answer was sent. The thread wakes on a fixed interval, never per request.
 *
 * <p><b>Bounded twice:</b> at most {@code capacity} requests wait here, and a request becomes spans only when the
 * {@link ExportLedger} has room for all of them in the batch span processor. When the collector is slow or
 * unreachable, requests wait here; once {@code capacity} wait, the spans of further requests are dropped and counted.
 * Nothing ever blocks a request, and the batch span processor never drops a span unseen.
 */
final class SpanFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SpanFeed.class);

    private final Queue<TracedRequest> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long intervalNanos;
    private final ExportLedger ledger;
    private final GenAiSpans spans;
    private final Thread thread;
    private volatile boolean running = true;

    SpanFeed(int capacity, Duration interval, ExportLedger ledger, GenAiSpans spans) {
        if (capacity < 1) {
            throw new IllegalArgumentException("tollgate.tracing.buffer-capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
        this.ledger = ledger;
        this.spans = spans;
        this.thread = new Thread(this::run, "tollgate-tracing");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a finished request. Never blocks.
     *
     * @return false when the buffer was full and the request's spans were dropped (and counted)
     */
    boolean offer(TracedRequest request) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            ledger.droppedUnbuilt(request.spanCount());
            return false;
        }
        queue.offer(request);
        return true;
    }

    /** Requests waiting to become spans. */
    int waiting() {
        return size.get();
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(this, intervalNanos);
            drain();
        }
        drain();
    }

    /** Builds the spans of waiting requests, oldest first, while the ledger has room for them. */
    private void drain() {
        for (TracedRequest request = queue.peek(); request != null; request = queue.peek()) {
            int count = request.spanCount();
            if (!ledger.reserve(count)) {
                if (ledger.pending() > 0) {
                    return; // the processor is full: the request waits for the next round
                }
                queue.poll(); // more spans than the processor may ever hold: they could never be exported
                size.decrementAndGet();
                ledger.droppedUnbuilt(count);
                continue;
            }
            queue.poll();
            size.decrementAndGet();
            int handed = 0;
            try {
                handed = spans.write(request);
            } catch (RuntimeException e) {
                LOG.warnf("event=trace_export_failed request_id=%s error=%s",
                        request.exchange().outcome().requestId(), e.getClass().getName());
            } finally {
                if (handed < count) {
                    ledger.unreserve(count - handed);
                }
            }
        }
    }

    /** Stops the thread after it has built the spans it has room for; waits for it up to a second. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
