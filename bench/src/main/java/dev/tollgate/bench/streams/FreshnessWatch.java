package dev.tollgate.bench.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.tollgate.schemas.Topics;

/**
 * Budget freshness per usage event: for every usage event of an org whose id starts with the prefix (keyed by org on
 * the usage topic), published from {@code fromMs} on, the time from its record timestamp (its publish) until the
 * first committed budget state of the budget named after its org arrives whose timestamp is at least the event's.
 *
 * <p>Why per event, not per state record as (c) measures: the app publishes a budget's state once per commit, with
 * the timestamp of the budget's latest event, so a state record's own lag is that of the newest event it counts; the
 * older events of the same commit interval waited longer. Matching each event to the state that first covers it
 * counts them all. An org's events are on one partition, so they arrive in publish order, and a budget's states in
 * the order the app committed them.
 *
 * <p>One consumer, {@code read_committed}, on every partition of the usage and budget state topics from their end
 * at start; it runs on a thread of its own until closed, and the figures are read after.
 */
final class FreshnessWatch implements AutoCloseable {

    /**
     * The figures.
     *
     * @param perEvent  publish to covering state, per event, milliseconds
     * @param perRecord each state record's arrival less its timestamp, as (c) measures it, milliseconds
     * @param unmatched events with no covering state by the end
     */
    record Figures(Histogram perEvent, Histogram perRecord, long unmatched) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String orgPrefix;
    private final long fromMs;
    private final Map<String, ArrayDeque<Long>> pending = new HashMap<>();
    private final Map<String, ArrayDeque<long[]>> states = new HashMap<>();
    private final Histogram perEvent = new Histogram(600_000, 3);
    private final Histogram perRecord = new Histogram(600_000, 3);
    private final Thread thread;
    private volatile boolean stop;
    private volatile long pendingCount;
    private volatile long lastMatchArrivalMs = -1;
    private volatile RuntimeException failure;

    private FreshnessWatch(String bootstrap, String orgPrefix, long fromMs) {
        this.orgPrefix = orgPrefix;
        this.fromMs = fromMs;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.USAGE, Topics.BUDGET_STATE)) {
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::loop, "freshness-watch");
    }

    /** Starts watching from the topics' current ends; events published before {@code fromMs} are not counted. */
    static FreshnessWatch start(String bootstrap, String orgPrefix, long fromMs) {
        FreshnessWatch watch = new FreshnessWatch(bootstrap, orgPrefix, fromMs);
        watch.thread.start();
        return watch;
    }

    private void loop() {
        try {
            while (!stop) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    String key = record.key();
                    if (key == null || !key.startsWith(orgPrefix) || record.timestamp() < fromMs) {
                        continue;
                    }
                    if (Topics.USAGE.equals(record.topic())) {
                        pending.computeIfAbsent(key, k -> new ArrayDeque<>()).add(record.timestamp());
                    } else {
                        states.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new long[] {record.timestamp(), now});
                        perRecord.recordValue(clamp(now - record.timestamp()));
                    }
                    match(key);
                }
                pendingCount = pending.values().stream().mapToLong(ArrayDeque::size).sum();
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    /** Pairs the org's pending events, oldest first, with the first of its budget's states that covers each. */
    private void match(String org) {
        ArrayDeque<Long> events = pending.get(org);
        ArrayDeque<long[]> covering = states.get(org);
        while (events != null && covering != null && !events.isEmpty() && !covering.isEmpty()) {
            long published = events.peek();
            long[] state = covering.peek();
            if (published <= state[0]) {
                perEvent.recordValue(clamp(state[1] - published));
                lastMatchArrivalMs = Math.max(lastMatchArrivalMs, state[1]);
                events.poll();
            } else {
                covering.poll(); // covers nothing still pending
            }
        }
    }

    private long clamp(long millis) {
        return Math.min(perEvent.getHighestTrackableValue(), Math.max(0, millis));
    }

    /**
     * Waits until every event seen has its covering state, at most {@code timeout}; returns the arrival time
     * (epoch ms) of the state that covered the last one, or -1 if none was.
     */
    long awaitAllMatched(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // At least one poll after the caller's catch-up, so the states of its last commit have been read.
        Thread.sleep(500);
        while (pendingCount > 0 && System.nanoTime() < deadline && failure == null) {
            Thread.sleep(50);
        }
        return lastMatchArrivalMs;
    }

    /** Stops the watch and returns its figures. */
    Figures figures() throws InterruptedException {
        close();
        if (failure != null) {
            throw failure;
        }
        return new Figures(perEvent, perRecord, pending.values().stream().mapToLong(ArrayDeque::size).sum());
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
