package dev.tollgate.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link LoadSpec} and returns its figures. Blocking: call it from a plain thread, never an event loop.
 *
 * <p>The load is spread over {@link LoadSpec#eventLoops()} workers (connections and rate split evenly) on a Vert.x
 * instance of its own. Every run ends by itself: workers stop issuing at the end time and wait for the answers
 * still due; whatever is outstanding one request timeout later is cut off and reported as unfinished.
 */
public final class LoadGenerator {

    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long GRACE_MILLIS = 2_000;

    private LoadGenerator() {
    }

    public static LoadResult run(LoadSpec spec) {
        return result(spec, record(spec));
    }

    /** The figures of {@code recorded}, measured over {@code spec}'s duration. */
    static LoadResult result(LoadSpec spec, Recorder recorded) {
        return new LoadResult(spec, spec.duration().toNanos() / 1e9, recorded.ok, recorded.errors, recorded.skipped,
                recorded.unfinished, recorded.bytes, LoadResult.Percentiles.of(recorded.latency),
                LoadResult.Percentiles.of(recorded.sinceSend),
                spec.streaming() ? LoadResult.Percentiles.of(recorded.firstByte) : null);
    }

    /** Runs {@code spec} and returns what its measured window recorded, unsummarised, so runs can be merged. */
    static Recorder record(LoadSpec spec) {
        int loops = Math.min(spec.eventLoops(), spec.connections());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        try {
            long start = System.nanoTime() + START_DELAY_NANOS;
            List<Worker> workers = new ArrayList<>(loops);
            for (int i = 0; i < loops; i++) {
                int connections = spec.connections() / loops + (i < spec.connections() % loops ? 1 : 0);
                Worker worker = new Worker(spec, connections, (double) spec.rate() / loops, (double) i / loops, start);
                workers.add(worker);
                if (await(vertx.deployVerticle(worker), 10_000) == null) {
                    throw new IllegalStateException("a load worker did not start within 10 s");
                }
            }
            long runMillis = TimeUnit.NANOSECONDS.toMillis(start - System.nanoTime())
                    + spec.warmup().toMillis() + spec.duration().toMillis();
            long deadline = runMillis + spec.timeout().toMillis() + GRACE_MILLIS;
            Recorder total = new Recorder();
            long waitStart = System.nanoTime();
            for (Worker worker : workers) {
                long left = deadline - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitStart);
                Recorder part = await(worker.result(), Math.max(1, left));
                if (part == null) {
                    worker.cutOff();
                    part = await(worker.result(), 5_000);
                }
                if (part == null) {
                    throw new IllegalStateException("a load worker did not stop within 5 s of being cut off");
                }
                total.merge(part);
            }
            return total;
        } finally {
            vertx.close();
        }
    }

    /** Waits for {@code future}; null when it is not complete in time. */
    private static <T> T await(Future<T> future, long millis) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("load run failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            return null;
        }
    }
}
