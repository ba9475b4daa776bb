package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RollupTest {

    @Test
    void mergingPartialsEqualsAddingAllTheirSamplesToOneRollup() {
        Random random = new Random(3);
        List<RollupSample> all = new ArrayList<>();
        List<Rollup> partials = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            List<RollupSample> samples = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(50); i++) {
                boolean ok = random.nextInt(10) > 0;
                samples.add(new RollupSample("o", "m", "k", null, "e", ok ? "OK" : "UPSTREAM_ERROR", ok ? 200 : 502,
                        random.nextInt(1_000), random.nextInt(500), random.nextInt(9_000),
                        1 + random.nextInt(30_000), random.nextBoolean() ? (long) random.nextInt(900) : null));
            }
            all.addAll(samples);
            partials.add(Rollup.empty().addAll(samples));
        }
        Rollup before = Rollup.empty().addAll(all.subList(0, 3));

        Rollup merged = before.mergeAll(partials);
        Rollup added = before.addAll(all);

        assertThat(RollupSerde.encode(merged)).isEqualTo(RollupSerde.encode(added));
        assertThat(merged.requests()).isEqualTo(3 + all.size());
        assertThat(RollupSerde.encode(before)).isEqualTo(RollupSerde.encode(Rollup.empty().addAll(all.subList(0, 3))));
    }
}
