package dev.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0s",
            "1, 1ms",
            "20000000, 20ms",
            "999000000, 999ms",
            "1000000000, 1s",
            "1000000001, 2s",
            "59000000000, 59s",
            "60000000000, 1m0s",
            "360000000000, 6m0s",
            "3605000000000, 1h0m5s"})
    void formatsResetsAsOpenAiDoes(long nanos, String expected) {
        assertThat(Durations.openAi(nanos)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 1", "1000000000, 1", "1000000001, 2", "20000000000, 20"})
    void roundsRetryAfterUpToWholeSecondsOfAtLeastOne(long nanos, long seconds) {
        assertThat(Durations.retryAfterSeconds(nanos)).isEqualTo(seconds);
        assertThat(TimeUnit.SECONDS.toNanos(seconds)).isGreaterThanOrEqualTo(nanos);
    }
}
