package dev.tollgate.streams.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Random;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SequenceBlockTest {

    @Test
    void acceptsEachNumberOnceAndCallsTheSecondTimeACopy() {
        SequenceBlock block = new SequenceBlock();

        assertThat(block.mark(5, 100)).isTrue();
        assertThat(block.mark(5, 200)).isFalse();
        assertThat(block.mark(6, 150)).isTrue();

        assertThat(block.contains(5)).isTrue();
        assertThat(block.contains(7)).isFalse();
        assertThat(block.lastSeenMs()).as("the latest accepted, a copy does not count").isEqualTo(150);
    }

    @Test
    void judgesEveryNumberOfItsBlockAsABitSetWould() {
        Random random = new Random(21);
        long index = 977;
        SequenceBlock block = new SequenceBlock();
        BitSet expected = new BitSet();
        for (int i = 0; i < 5_000; i++) {
            int offset = random.nextInt(SequenceBlock.NUMBERS);
            long sequence = index * SequenceBlock.NUMBERS + offset;
            assertThat(SequenceBlock.indexOf(sequence)).isEqualTo(index);
            assertThat(block.mark(sequence, i)).isEqualTo(!expected.get(offset));
            expected.set(offset);
        }
        assertThat(block.count()).isEqualTo(expected.cardinality());
    }

    @Test
    void putsNeighboursAcrossABoundaryInTwoBlocks() {
        assertThat(SequenceBlock.indexOf(SequenceBlock.NUMBERS - 1)).isZero();
        assertThat(SequenceBlock.indexOf(SequenceBlock.NUMBERS)).isOne();
        assertThat(SequenceBlock.indexOf(0)).isZero();
    }

    @Test
    void survivesItsStoredFormat() {
        SequenceBlock block = new SequenceBlock();
        block.mark(0, 10);
        block.mark(SequenceBlock.NUMBERS - 1, 30);
        block.mark(700, 20);

        byte[] bytes = SequenceBlock.serde().serializer().serialize("t", block);
        SequenceBlock read = SequenceBlock.serde().deserializer().deserialize("t", bytes);

        assertThat(bytes).hasSize(SequenceBlock.BYTES).hasSize(137);
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.contains(700)).isTrue();
        assertThat(read.contains(701)).isFalse();
        assertThat(read.lastSeenMs()).isEqualTo(30);
    }

    @Test
    void mergesTwoVersionsOfABlockWithoutLosingANumber() {
        SequenceBlock older = new SequenceBlock();
        older.mark(1, 10);
        SequenceBlock newer = new SequenceBlock();
        newer.mark(2, 20);

        older.addAll(newer);

        assertThat(older.contains(1)).isTrue();
        assertThat(older.contains(2)).isTrue();
        assertThat(older.lastSeenMs()).isEqualTo(20);
    }

    @Test
    void refusesBytesThatAreNotABlock() {
        byte[] wrongFormat = new byte[SequenceBlock.BYTES];
        wrongFormat[0] = 9;

        assertThatThrownBy(() -> SequenceBlock.fromBytes(wrongFormat)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 9");
        assertThatThrownBy(() -> SequenceBlock.fromBytes(new byte[12])).isInstanceOf(SerializationException.class)
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> SequenceBlock.fromBytes(new byte[0])).isInstanceOf(SerializationException.class);
    }
}
