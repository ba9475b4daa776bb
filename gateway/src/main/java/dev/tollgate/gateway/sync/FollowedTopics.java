package dev.tollgate.gateway.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The lifecycle every follower of state topics shares: assign every partition of its topics (no consumer group:
 * each replica needs all of the state), note their end offsets, bootstrap what was published before, declare
 * itself ready, then apply every record as it arrives until stopped. One {@link TopicFollower} thread runs it and
 * starts it over with a fresh consumer after a failure.
 *
 * <p>Why one class: the admin state (loaded from PostgreSQL) and the budget state (which only Kafka holds) differ
 * only in how they {@link Bootstrap} and in what they do with a record.
 *
 * @param <V> the consumer's value type
 */
public final class FollowedTopics<V> {

    /** How a follower comes to hold what was published before it started. */
    public sealed interface Bootstrap {

        /**
         * Load the system of record, then follow from the end offsets noted just before loading it: every change
         * committed after the snapshot was read is published after them, so nothing is missed. A failed load is
         * retried. Readiness is lost while following fails, since only a fresh snapshot repairs what was missed.
         *
         * @param load reads the snapshot and applies it; throws when it cannot
         */
        record Snapshot(Runnable load) implements Bootstrap {
        }

        /**
         * Read every partition from its beginning; ready once the end offsets noted at start are reached. What
         * was applied stays valid across a failure (the topic is replayed again), so readiness is kept.
         */
        record Replay() implements Bootstrap {
        }
    }

    /** What a follower does with what it reads. */
    public interface Sink<V> {

        /** Applies one record; {@code live} once the bootstrap is over, false while replaying what came before. */
        void apply(ConsumerRecord<String, V> record, boolean live);

        /** Runs after every poll, with the partitions followed: for example to confirm it has read to the end. */
        default void polled(Consumer<String, V> consumer, List<TopicPartition> partitions) {
        }
    }

    private static final Logger LOG = Logger.getLogger(FollowedTopics.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String name;
    private final List<String> topics;
    private final Bootstrap bootstrap;
    private final Sink<V> sink;
    private final Duration retry;
    private final TopicFollower<V> follower;
    private final CountDownLatch firstReady = new CountDownLatch(1);
    private volatile boolean ready;

    /**
     * @param name      the thread's name, also used in the log
     * @param topics    the topics followed; each must exist
     * @param bootstrap how what came before is loaded
     * @param consumers makes the consumer of each attempt (no group, no auto-commit)
     * @param sink      where records go
     * @param retry     the pause before a failed load or a failed attempt is tried again
     */
    public FollowedTopics(String name, List<String> topics, Bootstrap bootstrap,
                          Supplier<KafkaConsumer<String, V>> consumers, Sink<V> sink, Duration retry) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.bootstrap = bootstrap;
        this.sink = sink;
        this.retry = retry;
        this.follower = new TopicFollower<>(name, consumers, this::follow, this::failed, retry);
    }

    /** Starts following, then waits up to {@code timeout} for the first bootstrap; false if it is not done yet. */
    public boolean start(Duration timeout) throws InterruptedException {
        follower.start();
        return firstReady.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops following (waking a blocked poll) and waits for the thread, at most 5 s. */
    public void stop() throws InterruptedException {
        follower.stop();
    }

    /** Whether what was published before is held and new records are being applied. */
    public boolean ready() {
        return ready;
    }

    private void failed() {
        if (bootstrap instanceof Bootstrap.Snapshot) {
            ready = false;
        }
    }

    private void follow(KafkaConsumer<String, V> consumer) {
        List<TopicPartition> partitions = assignAll(consumer);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        boolean replaying = bootstrap instanceof Bootstrap.Replay;
        if (bootstrap instanceof Bootstrap.Snapshot snapshot) {
            if (!loadSnapshot(snapshot)) {
                return;
            }
            ends.forEach(consumer::seek);
            markReady();
        } else {
            consumer.seekToBeginning(partitions);
        }
        int replayed = 0;
        while (follower.running()) {
            for (ConsumerRecord<String, V> record : consumer.poll(POLL)) {
                sink.apply(record, !replaying);
                replayed += replaying ? 1 : 0;
            }
            if (replaying && reached(consumer, ends)) {
                replaying = false;
                markReady();
                LOG.infof("event=state_replayed follower=%s records=%d", name, replayed);
            }
            sink.polled(consumer, partitions);
        }
    }

    private List<TopicPartition> assignAll(KafkaConsumer<String, V> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> found = consumer.partitionsFor(topic);
            if (found == null || found.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist; create it from Topics.all()");
            }
            found.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        return partitions;
    }

    /** Loads the snapshot, retrying until it is held (true) or the follower is stopped (false). */
    private boolean loadSnapshot(Bootstrap.Snapshot snapshot) {
        while (follower.running()) {
            try {
                snapshot.load().run();
                return true;
            } catch (Throwable e) {
                LOG.warnf("event=snapshot_failed follower=%s retry=%s reason=\"%s\"", name, retry, e.getMessage());
                TopicFollower.pause(retry);
            }
        }
        return false;
    }

    private static boolean reached(Consumer<String, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void markReady() {
        ready = true;
        firstReady.countDown();
    }
}
