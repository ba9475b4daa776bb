package dev.tollgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ThreadCpuTest {

    @Test
    void groupsThreadsOfOneRoleUnderOneKind() {
        assertThat(ThreadCpu.kind("tollgate-stream\n")).isEqualTo("Kafka Streams threads");
        assertThat(ThreadCpu.kind("C2 CompilerThre")).isEqualTo("JIT compiler threads");
        assertThat(ThreadCpu.kind("C1 CompilerThre")).isEqualTo("JIT compiler threads");
        assertThat(ThreadCpu.kind("kafka-producer-")).isEqualTo("producer I/O threads");
        assertThat(ThreadCpu.kind("GC Thread#1")).isEqualTo(ThreadCpu.kind("GC Thread#0")).isEqualTo("GC Thread#N");
    }

    @Test
    void reportsWhatEachKindSpentBetweenSnapshotsLargestFirst() {
        Map<String, Long> before = Map.of("JIT compiler threads", 1_000L, "Kafka Streams threads", 500L, "GC", 70L);
        Map<String, Long> after = Map.of("JIT compiler threads", 1_400L, "Kafka Streams threads", 2_500L, "GC", 70L,
                "rocksdb:high", 30L);

        assertThat(ThreadCpu.between(before, after)).containsExactly(Map.entry("Kafka Streams threads", 2_000L),
                Map.entry("JIT compiler threads", 400L), Map.entry("rocksdb:high", 30L));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void countsTheCpuThatABusyThreadAndTheWholeProcessHaveSpent() throws InterruptedException {
        long pid = ProcessHandle.current().pid();
        Map<String, Long> before = ThreadCpu.snapshot(pid);
        CountDownLatch spent = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 200_000_000L) { // 200 ms of its own CPU, however busy the machine
                x += Long.numberOfTrailingZeros(x + 1);
            }
            spent.countDown();
            try {
                read.await(); // stay alive: /proc lists only living threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-busy-7");
        busy.start();
        spent.await();
        Map<String, Long> after = ThreadCpu.snapshot(pid);
        long process = ThreadCpu.processMillis(pid);
        read.countDown();
        busy.join();

        assertThat(before).isNotEmpty().doesNotContainKey("bench-busy-N");
        assertThat(ThreadCpu.between(before, after).get("bench-busy-N")).isBetween(150L, 400L);
        assertThat(process).as("the process counts every thread, ended ones too")
                .isGreaterThanOrEqualTo(after.values().stream().mapToLong(Long::longValue).sum());
    }
}
