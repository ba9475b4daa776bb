package dev.tollgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    private static final Duration FAST = Duration.ofMillis(5);

    private final List<String> written = Collections.synchronizedList(new ArrayList<>());
    private final List<String> writerThreads = Collections.synchronizedList(new ArrayList<>());

    private Consumer<String> recordingSink() {
        return line -> {
            writerThreads.add(Thread.currentThread().getName());
            written.add(line);
        };
    }

    @Test
    void writesEveryOfferedLineInOrderFromItsOwnThread() throws Exception {
        try (AccessLogWriter<Integer> writer = new AccessLogWriter<>(10_000, FAST, i -> "line-" + i, recordingSink())) {
            for (int i = 0; i < 5_000; i++) {
                assertThat(writer.offer(i)).isTrue();
            }
            awaitWritten(5_000);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            expected.add("line-" + i);
        }
        assertThat(written).containsExactlyElementsOf(expected);
        assertThat(writerThreads).containsOnly("tollgate-access-log");
    }

    @Test
    void tellsTheSinkWhereEachBatchEndsAfterItsLastLine() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (AccessLogWriter<Integer> writer = new AccessLogWriter<>(100, FAST, i -> "line-" + i, seen::add,
                () -> seen.add("end"))) {
            writer.offer(1);
            writer.offer(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!seen.contains("end") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            writer.offer(3);
            while (seen.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        // Lines 1 and 2 may share a batch or not; line 3 was offered after a batch had ended.
        List<String> lines = seen.stream().filter(entry -> !entry.equals("end")).toList();
        assertThat(lines).containsExactly("line-1", "line-2", "line-3");
        assertThat(seen.get(seen.size() - 1)).isEqualTo("end");
        assertThat(seen.get(seen.indexOf("line-3") - 1)).isEqualTo("end");
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).equals("end") && seen.get(i - 1).equals("end")).as("an empty batch").isFalse();
        }
    }

    @Test
    void dropsAndCountsLinesWhileTheSinkStallsInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Consumer<String> stalled = line -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(line);
        };
        try (AccessLogWriter<String> writer = new AccessLogWriter<>(10, FAST, Function.identity(), stalled)) {
            writer.offer("first");
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).untilAsserted(() ->
                    assertThat(writer.waiting()).as("the writer took the first line and is stuck writing it").isZero());

            int accepted = 0;
            for (int i = 0; i < 15; i++) {
                accepted += writer.offer("line-" + i) ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(10);
            assertThat(writer.dropped()).isEqualTo(5);

            release.countDown();
            awaitWritten(11);
        }
        assertThat(written).startsWith("first", "line-0").endsWith("line-9").hasSize(11);
    }

    @Test
    void writesWhatIsStillQueuedWhenClosed() {
        AccessLogWriter<String> writer = new AccessLogWriter<>(100, Duration.ofHours(1), Function.identity(),
                recordingSink());
        writer.offer("a");
        writer.offer("b");
        writer.offer("c");

        writer.close();

        assertThat(written).containsExactly("a", "b", "c");
    }

    @Test
    void keepsWritingAfterALineFailsToFormat() throws Exception {
        Function<String, String> format = s -> {
            if (s.equals("bad")) {
                throw new IllegalStateException("cannot format");
            }
            return s;
        };
        try (AccessLogWriter<String> writer = new AccessLogWriter<>(100, FAST, format, recordingSink())) {
            writer.offer("before");
            writer.offer("bad");
            writer.offer("after");
            awaitWritten(2);
        }
        assertThat(written).containsExactly("before", "after");
    }

    @Test
    void refusesACapacityBelowOne() {
        assertThatThrownBy(() -> new AccessLogWriter<String>(0, FAST, Function.identity(), line -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    private void awaitWritten(int count) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(written).hasSizeGreaterThanOrEqualTo(count));
    }
}
