package dev.tollgate.evals.worker.kafka;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * One daemon thread that runs a consumer loop until stopped, and after a failure (the broker away past the
 * client's retries, a commit that failed) starts it again with a new consumer: the records of the failed poll are
 * read again from the last commit, which is safe because everything the worker writes is idempotent.
 */
public final class ConsumerLoop {

    /** What the loop does with a fresh consumer; returns when {@link #running()} turns false, or throws. */
    @FunctionalInterface
    public interface Body {
        void run(KafkaConsumer<String, byte[]> consumer) throws Exception;
    }

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final String name;
    private final Supplier<KafkaConsumer<String, byte[]>> consumers;
    private final Body body;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ConsumerLoop(String name, Supplier<KafkaConsumer<String, byte[]>> consumers, Body body) {
        this.name = name;
        this.consumers = consumers;
        this.body = body;
    }

    /** Starts the thread; call once. */
    public void start() {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the loop should go on. */
    public boolean running() {
        return running;
    }

    /** Whether the thread is alive, for liveness. */
    public boolean alive() {
        return thread != null && thread.isAlive();
    }

    /** Stops the loop, waking a blocked poll, and waits for the thread at most {@code wait}. */
    public void stop(Duration wait) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(wait.toMillis());
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                body.run(c);
            } catch (WakeupException stopping) {
                LOG.debugf("event=loop_stopped loop=%s", name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.errorf("event=loop_failed loop=%s retry=%s reason=\"%s\"", name, RETRY, e.getMessage());
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
