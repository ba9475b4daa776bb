package dev.tollgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a process's threads, by kind of thread, read from {@code /proc/<pid>/task} (Linux).
 *
 * <p>Why: a process's total CPU time says how much an app cost, not where. JFR samples only threads running Java,
 * so it shows neither the JIT compiler threads, nor the time a thread spends in system calls, nor native threads
 * (RocksDB's); {@code /proc} counts them all. Two snapshots around a measured phase give the CPU each kind of
 * thread spent in it.
 */
public final class ThreadCpu {

    private static final long MILLIS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private ThreadCpu() {
    }

    /**
     * CPU milliseconds (user plus system) per kind of thread of {@code pid} so far; empty where {@code /proc} is
     * not available. Threads that ended before the call are not counted, so take snapshots of long-lived threads.
     */
    public static Map<String, Long> snapshot(long pid) {
        Map<String, Long> byKind = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(thread -> read(thread, byKind));
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byKind;
    }

    /**
     * CPU milliseconds (user plus system) of the whole process {@code pid} so far, its ended threads included; 0
     * where {@code /proc} is not available.
     */
    public static long processMillis(long pid) {
        try {
            return statMillis(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** What each kind of thread spent between two snapshots, largest first; kinds that spent nothing are left out. */
    public static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> spent = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> spent.put(e.getKey(), e.getValue()));
        return spent;
    }

    /**
     * The kind of a thread, from its name as the kernel keeps it (the first 15 characters): the threads of one pool
     * or role fall in one kind, e.g. every JIT compiler thread, or every thread whose name starts with the Kafka
     * Streams client id (stream, global stream and state updater threads). Other names have their digits replaced
     * by {@code N}.
     */
    static String kind(String comm) {
        String name = comm.strip();
        if (name.startsWith("tollgate-stream")) {
            return "Kafka Streams threads";
        }
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
            return "JIT compiler threads";
        }
        if (name.startsWith("kafka-producer-")) {
            return "producer I/O threads";
        }
        return name.replaceAll("\\d+", "N");
    }

    private static void read(Path thread, Map<String, Long> byKind) {
        try {
            String comm = Files.readString(thread.resolve("comm"));
            byKind.merge(kind(comm), statMillis(Files.readString(thread.resolve("stat"))), Long::sum);
        } catch (IOException | RuntimeException e) {
            // the thread ended while it was being read
        }
    }

    /** utime plus stime of a {@code stat} line, in milliseconds; the name field may hold spaces and parentheses. */
    private static long statMillis(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
    }
}
