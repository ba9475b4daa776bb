package dev.tollgate.evals.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class ScoreStatsTest {

    @Test
    void meanAndItsStudentTIntervalForFewScores() {
        ScoreStats stats = ScoreStats.EMPTY.add(0.2, false).add(0.4, false).add(0.6, true).add(0.8, true);

        assertThat(stats.mean()).isCloseTo(0.5, offset(1e-12));
        // s = 0.2582, t(3) = 3.182: 0.5 ± 3.182 × 0.2582 / 2 = 0.5 ± 0.4108
        assertThat(stats.meanInterval().low()).isCloseTo(0.0892, offset(1e-3));
        assertThat(stats.meanInterval().high()).isCloseTo(0.9108, offset(1e-3));
        assertThat(stats.passRate()).isEqualTo(0.5);
    }

    @Test
    void wilsonIntervalOfAPassRate() {
        ScoreStats stats = ScoreStats.EMPTY;
        for (int i = 0; i < 100; i++) {
            stats = stats.add(i < 50 ? 1.0 : 0.0, i < 50);
        }

        assertThat(stats.passRateInterval().low()).isCloseTo(0.4038, offset(1e-3));
        assertThat(stats.passRateInterval().high()).isCloseTo(0.5962, offset(1e-3));
    }

    @Test
    void errorsAreCountedApartFromValues() {
        ScoreStats stats = ScoreStats.EMPTY.add(null, null).add(1.0, true);

        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.count()).isEqualTo(1);
        assertThat(stats.meanInterval().low()).isEqualTo(1.0);
        assertThat(ScoreStats.EMPTY.mean()).isNaN();
    }

    @Test
    void mergingEqualsAddingEverythingToOne() {
        ScoreStats a = ScoreStats.EMPTY.add(0.1, false).add(0.9, true);
        ScoreStats b = ScoreStats.EMPTY.add(0.5, true).add(null, null);

        assertThat(a.merge(b)).isEqualTo(ScoreStats.EMPTY.add(0.1, false).add(0.9, true).add(0.5, true)
                .add(null, null));
    }
}
