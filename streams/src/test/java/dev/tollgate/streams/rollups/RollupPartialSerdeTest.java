package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

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
    void rejectsAnUnknownFormatAndATruncatedValue() {
        byte[] bytes = RollupPartialSerde.encode(new RollupPartial(60_000, Rollup.empty()));

        assertThatThrownBy(() -> RollupPartialSerde.decode(new byte[] {7, 1}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> RollupPartialSerde.decode(Arrays.copyOf(bytes, 2)))
                .isInstanceOf(SerializationException.class);
    }
}
