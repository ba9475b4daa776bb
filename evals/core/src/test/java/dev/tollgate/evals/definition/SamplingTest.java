package dev.tollgate.evals.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplingTest {

    @Test
    void theSameRequestIsAlwaysInOrOutOfASample() {
        String id = UUID.randomUUID().toString();

        boolean first = Sampling.sampled(id, 0.3);

        assertThat(IntStream.range(0, 10).allMatch(i -> Sampling.sampled(id, 0.3) == first)).isTrue();
    }

    @Test
    void samplesAboutTheRateOfRandomIds() {
        long sampled = IntStream.range(0, 100_000)
                .filter(i -> Sampling.sampled(UUID.randomUUID().toString(), 0.25)).count();

        assertThat(sampled).isBetween(24_000L, 26_000L);
    }

    @Test
    void aHigherRateScoresASupersetOfALowerOne() {
        for (int i = 0; i < 10_000; i++) {
            String id = UUID.randomUUID().toString();
            if (Sampling.sampled(id, 0.1)) {
                assertThat(Sampling.sampled(id, 0.5)).isTrue();
            }
        }
    }

    @Test
    void rateOneTakesEverythingAndRateZeroNothing() {
        assertThat(Sampling.sampled("any", 1.0)).isTrue();
        assertThat(Sampling.sampled("any", 0.0)).isFalse();
        assertThat(Sampling.point("a")).isNotEqualTo(Sampling.point("b")).isBetween(0.0, 1.0);
    }
}
