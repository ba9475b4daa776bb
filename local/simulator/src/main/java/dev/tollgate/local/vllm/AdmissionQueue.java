package dev.tollgate.local.vllm;

import io.vertx.core.Context;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * vLLM's scheduler in miniature: at most {@code maxNumSeqs} requests generate at once, the others wait in FIFO order.
 * This is what makes {@code vllm:num_requests_running} and {@code vllm:num_requests_waiting} real.
 *
 * <p>Lock-free and shared by all event loops. A slot is taken by a compare-and-set on {@link #running} and only then
 * is a waiter polled; every change that could free a slot or add a waiter ends with {@link #drain()}, so no waiter is
 * left behind while a slot is free. A waiter always starts on its own Vert.x context, never on the thread that freed
 * the slot.
 */
final class AdmissionQueue {

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
    private final IntSupplier limit;

    /** {@code limit} is read at each admission, so a reconfiguration takes effect at once. */
    AdmissionQueue(IntSupplier limit) {
        this.limit = limit;
    }

    /** Something that waits for a slot and then runs on its own context. */
    interface Waiter {
        Context context();

        /** Called on {@link #context()} once the slot is held; the waiter must {@link #release()} it exactly once. */
        void admitted();
    }

    /**
     * Runs {@code waiter} now, on the calling thread, when a slot is free and nobody waits; otherwise queues it.
     * Must be called on the waiter's context.
     */
    void submit(Waiter waiter) {
        if (queue.isEmpty() && tryAcquire()) {
            waiter.admitted();
            return;
        }
        waiting.incrementAndGet();
        queue.add(waiter);
        drain();
    }

    /** Withdraws a waiter that gave up; false when it was already admitted (or about to be). */
    boolean cancel(Waiter waiter) {
        if (queue.remove(waiter)) {
            waiting.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Frees a slot taken by {@link Waiter#admitted()}. */
    void release() {
        running.decrementAndGet();
        drain();
    }

    int running() {
        return running.get();
    }

    int waiting() {
        return waiting.get();
    }

    private boolean tryAcquire() {
        while (true) {
            int current = running.get();
            if (current >= limit.getAsInt()) {
                return false;
            }
            if (running.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void drain() {
        while (!queue.isEmpty() && tryAcquire()) {
            Waiter next = queue.poll();
            if (next == null) {
                running.decrementAndGet();
                continue;
            }
            waiting.decrementAndGet();
            next.context().runOnContext(v -> next.admitted());
        }
    }
}
