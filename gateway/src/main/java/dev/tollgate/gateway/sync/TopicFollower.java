package dev.tollgate.gateway.sync;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * One daemon thread that owns a {@link KafkaConsumer} and follows topics with it until stopped. When following
 * fails (the broker unreachable past the client's retries, a record the registry cannot decode), it closes the
 * consumer, waits, and starts again with a new one, so the follower's {@link Loop} always begins from a clean
 * consumer and can rebuild whatever it keeps.
 *
 * <p>Why one class: the admin-state follower and the budget-state follower need the same lifecycle (start with the
 * application, a wakeup and a bounded join at shutdown, restart after a failure) and differ only in what they read
 * and where it goes.
 *
 * @param <V> the consumer's value type
 */
public final class TopicFollower<V> {

    /** What a follower does with a fresh consumer; it returns when {@link #running()} turns false, or throws. */
    @FunctionalInterface
    public interface Loop<V> {
        /** Follows the topics with {@code consumer}, which this follower creates and closes. */
        void follow(KafkaConsumer<String, V> consumer);
    }

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);
    private static final Duration JOIN = Duration.ofSeconds(5);

    private final String name;
    private final Supplier<KafkaConsumer<String, V>> consumers;
    private final Loop<V> loop;
    private final Runnable onFailure;
    private final Duration retry;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, V> consumer;
    private Thread thread;

    /**
     * @param name      the thread's name, also used in the log
     * @param consumers makes the consumer of each attempt
     * @param loop      what an attempt does
     * @param onFailure runs on the follower's thread when an attempt fails, before the pause (e.g. readiness DOWN)
     * @param retry     the pause before the next attempt
     */
    public TopicFollower(String name, Supplier<KafkaConsumer<String, V>> consumers, Loop<V> loop, Runnable onFailure,
            Duration retry) {
        this.name = name;
        this.consumers = consumers;
        this.loop = loop;
        this.onFailure = onFailure;
        this.retry = retry;
    }

    /** Starts the thread; call once. */
    public void start() {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the follower should go on; a {@link Loop} polls until this is false. */
    public boolean running() {
        return running;
    }

    /** Stops the loop (waking a blocked poll) and waits for the thread, at most 5 s. */
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, V> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(JOIN.toMillis());
        }
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, V> c = consumers.get()) {
                consumer = c;
                loop.follow(c);
            } catch (WakeupException stopping) {
                LOG.debugf("follower stopped follower=%s", name);
            } catch (RuntimeException e) {
                onFailure.run();
                LOG.errorf("follower failed, starting again follower=%s retry=%s reason=%s", name, retry,
                        e.getMessage());
                pause(retry);
            }
        }
    }

    /** Sleeps for {@code duration}; an interrupt ends the sleep early and is kept for the caller to see. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
