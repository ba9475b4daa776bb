package dev.tollgate.bench.journal;

import dev.tollgate.gateway.journal.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The append cost behind decision 0017: the gateway's own journal against Chronicle Queue, the same records (about
 * the size of a usage event), from one and from two threads (the gateway's two event loops), in alternating rounds
 * in one JVM. Each append is timed on its own; the journal's records are acknowledged as they would be by Kafka,
 * so its segments are deleted as they fill. Arguments: records per round (default 200000), rounds (default 6).
 */
public final class JournalVersusChronicle {

    private static final int PAYLOAD = 220;

    interface Appender {
        void append(byte[] payload);
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path root = Files.createTempDirectory("journal-vs-chronicle");
        byte[] payload = new byte[PAYLOAD];
        ThreadLocalRandom.current().nextBytes(payload);
        try (Journal journal = Journal.open(new Journal.Settings(root.resolve("journal"), 16 << 20, 256L << 20,
                Duration.ZERO));
             ChronicleQueue queue = SingleChronicleQueueBuilder.single(root.resolve("chronicle").toFile()).build()) {
            Appender ours = p -> journal.acknowledge(journal.append((byte) 1, p, 0, p.length));
            ThreadLocal<ExcerptAppender> appenders = ThreadLocal.withInitial(queue::createAppender);
            Appender chronicle = p -> {
                try (DocumentContext dc = appenders.get().writingDocument()) {
                    dc.wire().bytes().write(p, 0, p.length);
                }
            };
            for (int threads = 1; threads <= 2; threads++) {
                List<long[]> journalTimes = new ArrayList<>();
                List<long[]> chronicleTimes = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    long[] j = run(ours, payload, records, threads);
                    long[] c = run(chronicle, payload, records, threads);
                    if (round > 0) { // the first round of each is the JIT's
                        journalTimes.add(j);
                        chronicleTimes.add(c);
                    }
                }
                report("journal   threads=" + threads, journalTimes);
                report("chronicle threads=" + threads, chronicleTimes);
            }
            System.out.printf("chronicle files: %s%n", Arrays.toString(root.resolve("chronicle").toFile().list()));
        }
    }

    private static long[] run(Appender appender, byte[] payload, int records, int threads) throws Exception {
        long[] times = new long[records * threads];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * records;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < records; i++) {
                    long begin = System.nanoTime();
                    appender.append(payload);
                    times[base + i] = System.nanoTime() - begin;
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        return times;
    }

    /** Median over the rounds of each round's p50, p99, p99.9 and mean, with the range. */
    private static void report(String label, List<long[]> rounds) {
        double[][] stats = new double[rounds.size()][];
        for (int i = 0; i < rounds.size(); i++) {
            long[] times = rounds.get(i).clone();
            Arrays.sort(times);
            double mean = Arrays.stream(times).average().orElse(0);
            stats[i] = new double[] {times[times.length / 2], times[(int) (times.length * 0.99)],
                    times[(int) (times.length * 0.999)], mean};
        }
        String[] names = {"p50", "p99", "p99.9", "mean"};
        StringBuilder line = new StringBuilder(label);
        for (int s = 0; s < names.length; s++) {
            double[] column = new double[stats.length];
            for (int i = 0; i < stats.length; i++) {
                column[i] = stats[i][s];
            }
            Arrays.sort(column);
            line.append(String.format("  %s %.0f ns (%.0f-%.0f)", names[s], column[column.length / 2], column[0],
                    column[column.length - 1]));
        }
        System.out.println(line);
    }
}
