package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.sketch.BinaryCodec;

class RollupPartialSerdeTest {

    @Test
    void roundTripsAPartialWithErrorsAndBothSketches() {
        Rollup rollup = Rollup.empty().addAll(List.of(
                new RollupSample("o", "m", "k", null, "e", "OK", 200, 10, 20, 30, 120, 15L),
                new RollupSample("o", "m", "k", null, "e", "UPSTREAM_ERROR", 502, 0, 0, 0, 2_000, null)));
        RollupPartial partial = new RollupPartial(1_795_000_020_000L, rollup);

        RollupPartial read = RollupPartialSerde.decode(RollupPartialSerde.encode(partial));

        assertThat(read.minuteStartMs()).isEqualTo(partial.minuteStartMs());
        assertThat(RollupSerde.encode(read.rollup())).isEqualTo(RollupSerde.encode(rollup));
        assertThat(read.rollup().errorsByStatus()).containsEntry("502", 1L);
        assertThat(read.rollup().ttftSketch().totalCount()).isEqualTo(1);
    }

    @Test
    void keepsTheWindowSizesAPartialCountsIn() {
        int hourAndDay = RollupPartial.ALL & ~(1 << Granularity.MINUTE.ordinal());

        RollupPartial read = RollupPartialSerde.decode(RollupPartialSerde.encode(
                new RollupPartial(60_000, Rollup.empty(), hourAndDay)));

        assertThat(read.countsIn(Granularity.MINUTE)).isFalse();
        assertThat(read.countsIn(Granularity.HOUR)).isTrue();
        assertThat(read.countsIn(Granularity.DAY)).isTrue();
    }

    @Test
    void readsAPartialOfTheFirstFormatAsCountingInEverySize() {
        // format 0x01: the minute, then the rollup, with no window-size byte between them
        BinaryCodec.Writer head = new BinaryCodec.Writer(16);
        head.writeByte(RollupPartialSerde.FORMAT_V1);
        head.writeVarLong(60_000);
        byte[] rollup = RollupSerde.encode(Rollup.empty());
        byte[] v1 = Arrays.copyOf(head.toByteArray(), head.toByteArray().length + rollup.length);
        System.arraycopy(rollup, 0, v1, head.toByteArray().length, rollup.length);

        RollupPartial read = RollupPartialSerde.decode(v1);

        assertThat(read.minuteStartMs()).isEqualTo(60_000);
        assertThat(read.onTime()).isEqualTo(RollupPartial.ALL);
    }

    @Test
    void rejectsAnUnknownFormatAndATruncatedValue() {
        byte[] bytes = RollupPartialSerde.encode(new RollupPartial(60_000, Rollup.empty()));

        assertThatThrownBy(() -> RollupPartialSerde.decode(new byte[] {7, 1}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> RollupPartialSerde.decode(Arrays.copyOf(bytes, 2)))
                .isInstanceOf(SerializationException.class);
    }
}
