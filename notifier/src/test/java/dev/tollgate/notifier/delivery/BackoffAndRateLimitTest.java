package dev.tollgate.notifier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffAndRateLimitTest {

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(List.of(1, 2, 3, 4, 5, 20).stream().map(backoff::after).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 10L, 10L);
    }

    @Test
    void aReceiverGetsAtMostItsRatePerSecondWithoutBurstAndOthersAreNotHeldUp() {
        RateLimiter limiter = new RateLimiter();
        long t = 1_000_000_000L;

        assertThat(limiter.tryAcquire("slack", 1.0, t)).isTrue();
        assertThat(limiter.tryAcquire("slack", 1.0, t + 999_000_000L)).isFalse();
        assertThat(limiter.tryAcquire("webhook", 1.0, t + 10)).isTrue();
        assertThat(limiter.tryAcquire("slack", 1.0, t + 1_000_000_000L)).isTrue();
        assertThat(limiter.tryAcquire("fast", 10.0, t)).isTrue();
        assertThat(limiter.tryAcquire("fast", 10.0, t + 100_000_000L)).isTrue();
    }

    @Test
    void aNotificationMadeTwiceOfTheSameDeliveriesHasOneId() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        String a = Dispatcher.notificationId("ops", "{}:{}", "transitions", List.of("t1/ops", "t2/ops"), now);
        String b = Dispatcher.notificationId("ops", "{}:{}", "transitions", List.of("t2/ops", "t1/ops"),
                now.plusSeconds(5));

        assertThat(a).isEqualTo(b).startsWith("ntf_");
        assertThat(Dispatcher.notificationId("ops", "{}:{}", "repeat", List.of(), now))
                .isNotEqualTo(Dispatcher.notificationId("ops", "{}:{}", "repeat", List.of(), now.plusSeconds(1)));
    }
}
