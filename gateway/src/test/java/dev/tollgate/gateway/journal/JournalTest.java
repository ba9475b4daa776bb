package dev.tollgate.gateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void replaysAfterARestartEveryRecordThatWasNotAcknowledgedAndOnlyThose() {
        List<Long> tickets = new ArrayList<>();
        try (Journal journal = open(4)) {
            for (int i = 0; i < 5; i++) {
                tickets.add(journal.append((byte) 1, bytes("event-" + i), 0, bytes("event-" + i).length));
            }
            journal.acknowledge(tickets.get(1));
            journal.acknowledge(tickets.get(3));
        }

        try (Journal journal = open(4)) {
            assertThat(journal.recovery()).isEqualTo(new Journal.Recovery(1, 3, 0, 0));
            assertThat(replay(journal)).containsExactly("1:event-0", "1:event-2", "1:event-4");
            assertThat(replay(journal)).as("replay hands records over once").isEmpty();
        }
    }

    @Test
    void aSegmentWhoseRecordsAreAcknowledgedDuringItsReplayIsDeletedOnlyAfterTheReplayReadIt() {
        try (Journal journal = open(4)) {
            for (int i = 0; i < 3; i++) {
                journal.append((byte) 1, bytes("event-" + i), 0, 7);
            }
        }
        try (Journal journal = open(4)) {
            List<String> seen = new ArrayList<>();
            // Acknowledged at once, as Kafka may do while the replay still reads: the segment must stay mapped.
            journal.replay((kind, payload, at, ticket) -> {
                seen.add(StandardCharsets.UTF_8.decode(payload).toString());
                journal.acknowledge(ticket);
            });
            assertThat(seen).containsExactly("event-0", "event-1", "event-2");
            assertThat(segmentFiles()).as("deleted once the replay was done with it").isEmpty();
        }
    }

    @Test
    void deletesASegmentOnceEveryRecordInItWasAcknowledgedAndKeepsTheOthers() {
        byte[] record = new byte[1000];
        try (Journal journal = open(8)) {
            List<Long> first = new ArrayList<>();
            while (journal.segments() < 2) {
                first.add(journal.append((byte) 1, record, 0, record.length));
            }
            long lastOfSecond = first.remove(first.size() - 1); // already in the second segment
            for (long ticket : first) {
                journal.acknowledge(ticket);
            }
            assertThat(journal.segments()).as("the full, acknowledged first segment is gone").isEqualTo(1);
            assertThat(segmentFiles()).hasSize(1);
            assertThat(journal.bytes()).isEqualTo(Segment.frameBytes(record.length));
            journal.acknowledge(lastOfSecond);
            assertThat(journal.segments()).as("the segment still appended to stays").isEqualTo(1);
        }
        try (Journal journal = open(8)) {
            assertThat(journal.recovery().records()).isZero();
            assertThat(segmentFiles()).as("a segment with nothing left to replay is deleted at start").isEmpty();
        }
    }

    @Test
    void refusesAppendsWhenFullAndTakesThemAgainOnceSegmentsAreAcknowledged() {
        byte[] record = new byte[4000];
        try (Journal journal = open(2)) {
            List<Long> tickets = new ArrayList<>();
            long ticket;
            while ((ticket = journal.append((byte) 1, record, 0, record.length)) >= 0) {
                tickets.add(ticket);
            }
            assertThat(ticket).isEqualTo(Journal.FULL);
            assertThat(journal.hasRoomFor(record.length)).isFalse();
            assertThat(journal.segments()).isEqualTo(2);
            assertThat(tickets).hasSize(2 * ((SEGMENT - Segment.HEADER_BYTES) / Segment.frameBytes(record.length)));

            tickets.forEach(journal::acknowledge);

            assertThat(journal.hasRoomFor(record.length)).isTrue();
            assertThat(journal.append((byte) 1, record, 0, record.length)).isNotNegative();
        }
    }

    @Test
    void refusesARecordLargerThanASegment() {
        byte[] huge = new byte[SEGMENT];
        try (Journal journal = open(2)) {
            assertThat(journal.append((byte) 1, huge, 0, huge.length)).isEqualTo(Journal.TOO_LARGE);
            assertThat(journal.segments()).isZero();
        }
    }

    @Test
    void recoversUpToTheLastWholeRecordWhenTheTailIsCorruptAndReportsTheLoss() throws IOException {
        long lastTicket;
        try (Journal journal = open(4)) {
            journal.append((byte) 1, bytes("first"), 0, 5);
            journal.append((byte) 2, bytes("second"), 0, 6);
            lastTicket = journal.append((byte) 3, bytes("third!"), 0, 6);
        }
        int third = (int) lastTicket;
        flipByte(onlySegment(), third + Segment.FRAME_HEADER_BYTES + 2); // a payload byte of the last frame

        try (Journal journal = open(4)) {
            assertThat(journal.recovery()).isEqualTo(new Journal.Recovery(1, 2, Segment.FRAME_HEADER_BYTES + 6, 1));
            assertThat(replay(journal)).containsExactly("1:first", "2:second");
            long next = journal.append((byte) 1, bytes("after"), 0, 5);
            assertThat(next >>> 32).as("new records go to a new segment").isEqualTo(2);
        }
    }

    @Test
    void recoversUpToTheLastWholeRecordWhenTheLastWriteWasCutShort() throws IOException {
        long lastTicket;
        try (Journal journal = open(4)) {
            journal.append((byte) 1, bytes("kept"), 0, 4);
            lastTicket = journal.append((byte) 1, bytes("torn-record"), 0, 11);
        }
        // The process died after the payload and before the length, which is written last.
        writeInt(onlySegment(), (int) lastTicket, 0);

        try (Journal journal = open(4)) {
            assertThat(journal.recovery().records()).isEqualTo(1);
            assertThat(journal.recovery().lostBytes()).isPositive();
            assertThat(journal.recovery().damaged()).isEqualTo(1);
            assertThat(replay(journal)).containsExactly("1:kept");
        }
    }

    @Test
    void recoversFromAFileTruncatedInTheMiddleOfARecord() throws IOException {
        long lastTicket;
        try (Journal journal = open(4)) {
            journal.append((byte) 1, bytes("kept"), 0, 4);
            lastTicket = journal.append((byte) 1, new byte[500], 0, 500);
        }
        try (RandomAccessFile file = new RandomAccessFile(onlySegment().toFile(), "rw")) {
            file.setLength((int) lastTicket + 100);
        }

        try (Journal journal = open(4)) {
            assertThat(journal.recovery().records()).isEqualTo(1);
            assertThat(journal.recovery().damaged()).isEqualTo(1);
            assertThat(replay(journal)).containsExactly("1:kept");
        }
    }

    @Test
    void setsAsideAFileThatIsNotASegmentAndCountsItAsLost() throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("0000000007.seg"), new byte[] {1, 2, 3});

        try (Journal journal = open(4)) {
            assertThat(journal.recovery()).isEqualTo(new Journal.Recovery(1, 0, 3, 1));
            assertThat(dir.resolve("0000000007.seg.bad")).exists();
            assertThat(journal.append((byte) 1, bytes("x"), 0, 1)).isNotNegative();
        }
    }

    @Test
    void aSecondProcessCannotOpenAJournalInUse() throws Exception {
        try (Journal journal = open(4)) {
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenJournalMain.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.waitFor()).as(output).isEqualTo(3);
            assertThat(output).contains("is in use by another process");
        }
    }

    @Test
    void acknowledgementsFromAnotherThreadWhileTwoThreadsAppendLoseNothing() throws Exception {
        ConcurrentLinkedQueue<Long> toAcknowledge = new ConcurrentLinkedQueue<>();
        int perThread = 20_000;
        try (Journal journal = open(16)) {
            Runnable appender = () -> {
                byte[] record = new byte[100];
                for (int i = 0; i < perThread; i++) {
                    long ticket;
                    while ((ticket = journal.append((byte) 1, record, 0, record.length)) < 0) {
                        Thread.onSpinWait();
                    }
                    toAcknowledge.add(ticket);
                }
            };
            Thread a = new Thread(appender);
            Thread b = new Thread(appender);
            Thread acker = new Thread(() -> {
                int done = 0;
                while (done < 2 * perThread) {
                    Long ticket = toAcknowledge.poll();
                    if (ticket == null) {
                        Thread.onSpinWait();
                    } else {
                        journal.acknowledge(ticket);
                        done++;
                    }
                }
            });
            a.start();
            b.start();
            acker.start();
            a.join();
            b.join();
            acker.join();
            assertThat(journal.segments()).as("only the segment still appended to is left").isEqualTo(1);
            assertThat(journal.oldestPendingAge()).isEqualTo(Duration.ZERO);
        }
        try (Journal journal = open(16)) {
            assertThat(journal.recovery().records()).isZero();
        }
    }

    @Test
    void reportsTheAgeOfTheOldestRecordNotYetAcknowledged() throws Exception {
        try (Journal journal = open(4)) {
            long first = journal.append((byte) 1, bytes("a"), 0, 1);
            Thread.sleep(50);
            journal.append((byte) 1, bytes("b"), 0, 1);
            assertThat(journal.oldestPendingAge()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
            journal.acknowledge(first);
            assertThat(journal.oldestPendingAge()).isLessThan(Duration.ofMillis(50));
        }
    }

    @Test
    void forcesSegmentsToDiskOnItsOwnThreadWhenAskedTo() throws Exception {
        try (Journal journal = Journal.open(new Journal.Settings(dir, SEGMENT, 4L * SEGMENT, Duration.ofMillis(10)))) {
            for (int i = 0; i < 100; i++) {
                assertThat(journal.append((byte) 1, bytes("synced"), 0, 6)).isNotNegative();
            }
            Thread.sleep(50);
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("tollgate-journal-fsync"));
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("tollgate-journal-fsync"));
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThatThrownBy(() -> new Journal.Settings(dir, 1024, 1L << 20, Duration.ZERO))
                .hasMessageContaining("at least 64 KiB");
        assertThatThrownBy(() -> new Journal.Settings(dir, SEGMENT, SEGMENT, Duration.ZERO))
                .hasMessageContaining("at least two segments");
    }

    /** Opens the journal of {@code args[0]}; exits 3 with the message when it cannot. */
    public static final class OpenJournalMain {
        public static void main(String[] args) {
            try (Journal journal = Journal.open(new Journal.Settings(Path.of(args[0]), SEGMENT, 4L * SEGMENT,
                    Duration.ZERO))) {
                System.exit(0);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    private Journal open(int segments) {
        return Journal.open(new Journal.Settings(dir, SEGMENT, (long) segments * SEGMENT, Duration.ZERO));
    }

    private static List<String> replay(Journal journal) {
        List<String> seen = new ArrayList<>();
        journal.replay((kind, payload, at, ticket) -> {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            seen.add(kind + ":" + new String(bytes, StandardCharsets.UTF_8));
        });
        return seen;
    }

    private List<Path> segmentFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path onlySegment() {
        List<Path> files = segmentFiles();
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0xFF);
        }
    }

    private static void writeInt(Path file, long position, int value) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            raf.write(ByteBuffer.allocate(4).putInt(value).array());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
