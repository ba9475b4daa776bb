package dev.tollgate.bench.evals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.tollgate.bench.ThreadCpu;
import dev.tollgate.local.process.ChildJvm;

/**
 * Follows a Kafka Streams app through a backlog by its consumer group's committed offsets, as the streams
 * benchmark does: with exactly-once, an offset is committed in the same transaction as everything the app wrote for
 * the records before it, so a committed offset is work done.
 *
 * <p>The app is done when it has committed the whole source topic (written by the benchmark without transactions,
 * so its end is exact) and every one of {@code transactional} topics (written by the app itself in transactions, so
 * each partition ends with a commit marker that takes an offset no consumer sees: one short counts as done). The
 * source topic's end is taken once, at the start; the transactional topics' ends are read on every look, since the
 * app is still writing them.
 */
final class CommittedProgress {

    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    private CommittedProgress() {
    }

    /**
     * How an app worked through the backlog.
     *
     * @param events            source records counted: from the first committed offset to the end
     * @param seconds           from the first committed offset until done
     * @param sourceDoneSeconds from the first committed offset until the source topic alone was committed
     * @param wallSeconds       from the start of the watch (the app ready) until done
     * @param cpuSeconds        the app's CPU over the watch
     * @param cpuByThread       the same, in milliseconds by kind of thread ({@link ThreadCpu})
     */
    record Done(long events, double seconds, double sourceDoneSeconds, double wallSeconds, double cpuSeconds,
            Map<String, Long> cpuByThread) {

        long rate() {
            return Math.round(events / seconds);
        }
    }

    /** Looks every 50 ms until {@code group} is done with {@code source} and {@code transactional}. */
    static Done follow(Admin admin, String group, ChildJvm app, String source, List<String> transactional)
            throws Exception {
        long watchStart = System.nanoTime();
        long total = endOffsets(admin, source).values().stream().mapToLong(Long::longValue).sum();
        long cpuBefore = ThreadCpu.processMillis(app.pid());
        Map<String, Long> threadsBefore = ThreadCpu.snapshot(app.pid());
        long firstAt = 0;
        long firstCommitted = 0;
        long sourceDoneAt = 0;
        while (true) {
            if (!app.isAlive()) {
                throw new IllegalStateException(app.name() + " died:\n" + app.logTail(40));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long sourceCommitted = committed.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(source) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
            long now = System.nanoTime();
            if (firstAt == 0 && sourceCommitted > 0) {
                firstAt = now;
                firstCommitted = sourceCommitted;
            }
            if (sourceDoneAt == 0 && sourceCommitted >= total) {
                sourceDoneAt = now;
            }
            if (sourceDoneAt != 0 && caughtUp(admin, transactional, committed)) {
                break;
            }
            if (now - watchStart > TIMEOUT.toNanos()) {
                throw new IllegalStateException(app.name() + " did not finish the backlog within " + TIMEOUT);
            }
            Thread.sleep(50);
        }
        long doneAt = System.nanoTime();
        long cpu = ThreadCpu.processMillis(app.pid()) - cpuBefore;
        return new Done(total - firstCommitted, (doneAt - firstAt) / 1e9, (sourceDoneAt - firstAt) / 1e9,
                (doneAt - watchStart) / 1e9, cpu / 1000.0,
                ThreadCpu.between(threadsBefore, ThreadCpu.snapshot(app.pid())));
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static boolean caughtUp(Admin admin, List<String> topics, Map<TopicPartition, OffsetAndMetadata> committed)
            throws Exception {
        for (String topic : topics) {
            for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic).entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                long at = offset == null ? 0 : offset.offset();
                if (end.getValue() - at > 1) {
                    return false;
                }
            }
        }
        return true;
    }
}
