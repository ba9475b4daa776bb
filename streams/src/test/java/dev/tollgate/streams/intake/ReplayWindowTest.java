package dev.tollgate.streams.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.intake.ReplayWindow.Verdict;

class ReplayWindowTest {

    @Test
    void acceptsNumbersAboveTheMarkAndUnseenOnesBelowItDespiteGaps() {
        ReplayWindow window = ReplayWindow.startingAt(10, 64, 0);

        assertThat(window.offer(16, 0)).isEqualTo(Verdict.NEW);
        assertThat(window.offer(40, 0)).isEqualTo(Verdict.NEW);
        assertThat(window.offer(13, 0)).as("a gap filled late: another partition's number never comes, this one did")
                .isEqualTo(Verdict.NEW);
        assertThat(window.highWaterMark()).isEqualTo(40);
    }

    @Test
    void judgesEveryNumberSeenAgainWithinTheWindowACopy() {
        ReplayWindow window = ReplayWindow.startingAt(10, 64, 0);
        window.offer(16, 0);
        window.offer(40, 0);

        assertThat(window.offer(10, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThat(window.offer(16, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThat(window.offer(40, 0)).isEqualTo(Verdict.DUPLICATE);
    }

    @Test
    void cannotJudgeANumberOlderThanTheWindowAndLeavesTheWindowAsItWas() {
        ReplayWindow window = ReplayWindow.startingAt(100, 64, 0);
        byte[] before = window.toBytes();

        assertThat(window.offer(36, 5_000)).as("100 - 36 = 64: just out").isEqualTo(Verdict.BEFORE_WINDOW);
        assertThat(window.toBytes()).as("neither marked nor a sign of life").isEqualTo(before);
        assertThat(window.offer(37, 0)).as("just in, unseen").isEqualTo(Verdict.NEW);
    }

    @Test
    void reusesABitOnlyOnceItsFormerNumberHasLeftTheWindow() {
        ReplayWindow window = ReplayWindow.startingAt(10, 64, 0);
        window.offer(70, 0); // 70 is bit 6; 11..69 cleared on the way

        assertThat(window.offer(10, 0)).as("60 behind the mark: still remembered").isEqualTo(Verdict.DUPLICATE);
        window.offer(74, 0); // bit 10, which number 10 held

        assertThat(window.offer(10, 0)).isEqualTo(Verdict.BEFORE_WINDOW);
        assertThat(window.offer(74, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThat(window.offer(11, 0)).isEqualTo(Verdict.NEW);
    }

    @Test
    void forgetsEverythingWhenTheMarkJumpsByMoreThanTheWindow() {
        ReplayWindow window = ReplayWindow.startingAt(5, 64, 0);
        window.offer(6, 0);

        assertThat(window.offer(6 + 1_000, 0)).isEqualTo(Verdict.NEW);
        assertThat(window.offer(6, 0)).isEqualTo(Verdict.BEFORE_WINDOW);
        assertThat(window.offer(6 + 1_000 - 63, 0)).as("same bit as 6 would have been, unseen").isEqualTo(Verdict.NEW);
    }

    @Test
    void agreesWithASetOfEveryNumberSeenOnAShuffledStreamWithGapsAndCopies() {
        SplittableRandom random = new SplittableRandom(21);
        int size = 256;
        ReplayWindow window = ReplayWindow.startingAt(0, size, 0);
        Set<Long> seen = new HashSet<>(Set.of(0L));
        long mark = 0;
        long next = 0;
        for (int i = 0; i < 200_000; i++) {
            long sequence;
            int roll = random.nextInt(10);
            if (roll < 6) {
                next += 1 + random.nextInt(12); // this partition's share of the producer's numbers
                sequence = next;
            } else if (roll < 9) {
                sequence = Math.max(0, next - random.nextInt(size + 40)); // late, or a copy, near the edge too
            } else {
                sequence = next + random.nextInt(3 * size); // a jump ahead
            }
            Verdict expected;
            if (sequence <= mark && mark - sequence >= size) {
                expected = Verdict.BEFORE_WINDOW;
            } else {
                expected = seen.contains(sequence) ? Verdict.DUPLICATE : Verdict.NEW;
            }

            assertThat(window.offer(sequence, i)).as("offer %d with mark %d", sequence, mark).isEqualTo(expected);
            if (expected == Verdict.NEW) {
                seen.add(sequence);
                mark = Math.max(mark, sequence);
                next = Math.max(next, sequence);
            }
        }
        assertThat(window.highWaterMark()).isEqualTo(mark);
    }

    @Test
    void keepsTheLatestTimeAnEventWasAccepted() {
        ReplayWindow window = ReplayWindow.startingAt(1, 64, 1_000);
        window.offer(2, 5_000);
        window.offer(3, 4_000);
        window.offer(2, 9_000); // a copy: not a sign of life

        assertThat(window.lastSeenMs()).isEqualTo(5_000);
    }

    @Test
    void survivesTheStoreFormatWithItsSizeMarkTimeAndMarks() {
        ReplayWindow window = ReplayWindow.startingAt(1_000, 4096, 1_700_000_000_000L);
        window.offer(1_006, 1_700_000_000_100L);
        window.offer(3_000, 1_700_000_000_200L);

        byte[] bytes = ReplayWindow.serde().serializer().serialize("t", window);
        ReplayWindow read = ReplayWindow.serde().deserializer().deserialize("t", bytes);

        assertThat(bytes).hasSize(1 + 8 + 8 + 4 + 4096 / 8);
        assertThat(read.size()).isEqualTo(4096);
        assertThat(read.highWaterMark()).isEqualTo(3_000);
        assertThat(read.lastSeenMs()).isEqualTo(1_700_000_000_200L);
        assertThat(read.offer(1_006, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThat(read.offer(1_003, 0)).isEqualTo(Verdict.NEW);
    }

    @Test
    void readsAValueWithTrailingFieldsOfALaterVersionAndRejectsWhatIsNoWindow() {
        byte[] bytes = ReplayWindow.startingAt(7, 64, 0).toBytes();
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 5);

        assertThat(ReplayWindow.fromBytes(longer).offer(7, 0)).isEqualTo(Verdict.DUPLICATE);
        assertThatThrownBy(() -> ReplayWindow.fromBytes("{\"json\":1}".getBytes()))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> ReplayWindow.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void refusesASizeThatIsNoWholeNumberOfWords() {
        assertThatThrownBy(() -> ReplayWindow.checkSize(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100");
        assertThatThrownBy(() -> ReplayWindow.checkSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplayWindow.checkSize(1 << 21)).isInstanceOf(IllegalArgumentException.class);
        ReplayWindow.checkSize(4096);
    }
}
