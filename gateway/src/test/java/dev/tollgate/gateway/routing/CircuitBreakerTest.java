package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.routing.CircuitBreaker.Permit;
import dev.tollgate.gateway.routing.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final Duration COOL_DOWN = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(
            new CircuitBreaker.Settings(3, 0.5, 10, 6, COOL_DOWN), now::get);

    @Test
    void opensAfterConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.admits()).isFalse();
        assertThat(breaker.acquire()).isEqualTo(Permit.DENIED);
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        fail(2);
        succeed(1);
        fail(2);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void opensOnTheFailureRatioOnceEnoughRequestsWereSeen() {
        // alternating: never 3 in a row, but the sixth request makes half of them failures
        for (int i = 0; i < 3; i++) {
            succeed(1);
            assertThat(breaker.state()).isEqualTo(State.CLOSED);
            fail(1);
        }

        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void ignoresTheRatioBelowTheMinimumRequests() {
        fail(2);
        succeed(1);
        fail(1);
        succeed(1);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void letsExactlyOneProbeThroughAfterTheCoolDown() {
        fail(3);
        now.addAndGet(COOL_DOWN.toNanos() - 1);
        assertThat(breaker.acquire()).isEqualTo(Permit.DENIED);

        now.addAndGet(1);

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
        assertThat(breaker.admits()).isFalse();
        assertThat(breaker.acquire()).isEqualTo(Permit.DENIED);
    }

    @Test
    void aSuccessfulProbeClosesWithACleanSlate() {
        fail(3);
        now.addAndGet(COOL_DOWN.toNanos());
        Permit probe = breaker.acquire();

        breaker.succeeded(probe);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aFailedProbeOpensForAnotherCoolDown() {
        fail(3);
        now.addAndGet(COOL_DOWN.toNanos());
        Permit probe = breaker.acquire();

        breaker.failed(probe);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        now.addAndGet(COOL_DOWN.toNanos() - 1);
        assertThat(breaker.acquire()).isEqualTo(Permit.DENIED);
    }

    @Test
    void aReleasedProbeLetsTheNextOneThrough() {
        fail(3);
        now.addAndGet(COOL_DOWN.toNanos());
        Permit probe = breaker.acquire();

        breaker.released(probe);

        assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
    }

    @Test
    void lateOutcomesOfCallsStartedBeforeOpeningDoNotCloseIt() {
        Permit early = breaker.acquire();
        fail(3);

        breaker.succeeded(early);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.failed(breaker.acquire());
        }
    }

    private void succeed(int times) {
        for (int i = 0; i < times; i++) {
            breaker.succeeded(breaker.acquire());
        }
    }
}
