package dev.tollgate.gateway.observability;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Formats and hands access log entries to the logging system from one background thread, a batch at a time.
 *
 * <p><b>Why:</b> logging a line from the event loop, even through an async console handler, woke that handler's
 * thread and cost a write per request: measured, about an eighth of the gateway's CPU per request and more than
 * half of its context switches (docs/benchmarks.md). Here the event loop only adds the entry to a lock-free queue;
 * the writer thread wakes on a fixed interval, never per entry, and formats and logs everything queued since.
 *
 * <p><b>Bounded:</b> at most {@code capacity} entries wait. When the log sink stalls (a blocked stdout) and the
 * queue is full, new entries are dropped and counted rather than ever blocking a request; what already waits is
 * still written. {@link #close} writes what is left.
 *
 * @param <T> the entry, which must not change once offered: it is formatted later, on the writer thread
 */
final class AccessLogWriter<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLogWriter.class);

    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final int capacity;
    private final long intervalNanos;
    private final Function<T, String> format;
    private final Consumer<String> sink;
    private final Runnable endOfBatch;
    private final Thread writer;
    private volatile boolean running = true;

    /** Starts the writer thread, for a sink that needs no word of where a batch ends. */
    AccessLogWriter(int capacity, Duration interval, Function<T, String> format, Consumer<String> sink) {
        this(capacity, interval, format, sink, () -> { });
    }

    /**
     * Starts the writer thread.
     *
     * @param capacity   entries that may wait at most
     * @param interval   how often the writer thread wakes to write what waits
     * @param format     turns an entry into its line; runs on the writer thread
     * @param sink       where each line goes, in the order offered
     * @param endOfBatch runs after the last line of each batch the sink took, so a sink may hold lines until then
     */
    AccessLogWriter(int capacity, Duration interval, Function<T, String> format, Consumer<String> sink,
                    Runnable endOfBatch) {
        if (capacity < 1) {
            throw new IllegalArgumentException("access log buffer capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
        this.format = format;
        this.sink = sink;
        this.endOfBatch = endOfBatch;
        this.writer = new Thread(this::run, "tollgate-access-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues an entry. Never blocks.
     *
     * @return false when the queue was full and the entry was dropped
     */
    boolean offer(T entry) {
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.offer(entry);
        return true;
    }

    /** Entries dropped because the queue was full, since start. */
    long dropped() {
        return dropped.get();
    }

    /** Entries waiting to be written. */
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

    private void drain() {
        boolean any = false;
        for (T entry = queue.poll(); entry != null; entry = queue.poll()) {
            size.decrementAndGet();
            any = true;
            try {
                sink.accept(format.apply(entry));
            } catch (RuntimeException e) {
                LOG.warnf("event=access_log_write_failed error=%s", e.getClass().getName());
            }
        }
        if (any) {
            try {
                endOfBatch.run();
            } catch (RuntimeException e) {
                LOG.warnf("event=access_log_write_failed error=%s", e.getClass().getName());
            }
        }
    }

    /** Stops the writer thread after it has written what waits; waits for it up to a second. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
