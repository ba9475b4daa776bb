package dev.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.auth.Principal;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double share, Long orgRpm, Long orgTpm) {
        return new RateLimiter(new RateLimiter.Policy(share, org -> new RateLimiter.Limits(orgRpm, orgTpm)), clock::get);
    }

    private static Principal key(Long rpm, Long tpm) {
        return new Principal("k1", "acme", null, Set.of(), rpm, tpm);
    }

    private void advance(long amount, TimeUnit unit) {
        clock.addAndGet(unit.toNanos(amount));
    }

    @Test
    void admitsUpToTheRequestsPerMinuteThenRefusesWithTheTimeUntilOneMoreFits() {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(3L, null);

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.admit(p, 10)).isInstanceOf(RateLimiter.Admitted.class);
        }
        RateLimiter.Decision fourth = limiter.admit(p, 10);

        assertThat(fourth).isInstanceOf(RateLimiter.Limited.class);
        RateLimiter.Limited limited = (RateLimiter.Limited) fourth;
        assertThat(limited.scope()).isEqualTo(RateLimiter.Scope.KEY);
        assertThat(limited.kind()).isEqualTo(RateLimiter.Kind.REQUESTS);
        assertThat(limited.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(20)); // one request per 20 s
        assertThat(limited.quota().remainingRequests()).isZero();
        assertThat(limited.quota().resetRequestsNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(60));
    }

    @Test
    void refillsContinuouslySoARequestFitsAgainAfterItsShareOfTheMinute() {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(60L, null);
        for (int i = 0; i < 60; i++) {
            limiter.admit(p, 0);
        }
        assertThat(limiter.admit(p, 0)).isInstanceOf(RateLimiter.Limited.class);

        advance(999, TimeUnit.MILLISECONDS);
        assertThat(limiter.admit(p, 0)).isInstanceOf(RateLimiter.Limited.class);
        advance(1, TimeUnit.MILLISECONDS);
        assertThat(limiter.admit(p, 0)).isInstanceOf(RateLimiter.Admitted.class);
    }

    @Test
    void chargesTokensUpFrontAndRefundsWhatTheRequestDidNotUse() {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(null, 1000L);

        RateLimiter.Admitted first = (RateLimiter.Admitted) limiter.admit(p, 800);
        assertThat(first.quota().remainingTokens()).isEqualTo(200);
        assertThat(limiter.admit(p, 300)).isInstanceOf(RateLimiter.Limited.class);

        limiter.settle(first.admission(), 100);

        assertThat(limiter.peek(p).remainingTokens()).isEqualTo(900);
        assertThat(limiter.admit(p, 300)).isInstanceOf(RateLimiter.Admitted.class);
    }

    @Test
    void chargesExtraWhenTheRequestUsedMoreThanReservedAndTheDebtDelaysTheNextOne() {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(null, 600L);

        RateLimiter.Admitted first = (RateLimiter.Admitted) limiter.admit(p, 100);
        limiter.settle(first.admission(), 700); // a long prompt: 600 more than reserved, 100 below zero

        assertThat(limiter.peek(p).remainingTokens()).isZero();
        RateLimiter.Limited next = (RateLimiter.Limited) limiter.admit(p, 10);
        assertThat(next.kind()).isEqualTo(RateLimiter.Kind.TOKENS);
        assertThat(next.retryAfterNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(11)); // 110 tokens at 10 per second
    }

    @Test
    void refusesOnTheOrgLimitAndGivesBackWhatTheKeyLimitsHadTaken() {
        RateLimiter limiter = limiter(1.0, 2L, null);
        Principal a = key(10L, null);
        Principal b = new Principal("k2", "acme", null, Set.of(), 10L, null);

        limiter.admit(a, 0);
        limiter.admit(b, 0);
        RateLimiter.Limited third = (RateLimiter.Limited) limiter.admit(a, 0);

        assertThat(third.scope()).isEqualTo(RateLimiter.Scope.ORG);
        assertThat(third.kind()).isEqualTo(RateLimiter.Kind.REQUESTS);
        assertThat(limiter.peek(a).remainingRequests()).isZero(); // the org limit binds: it has fewer left
        RateLimiter keyOnly = limiter(1.0, null, null);
        keyOnly.admit(a, 0);
        assertThat(keyOnly.peek(a).remainingRequests()).isEqualTo(9);
    }

    @Test
    void aRefusedRequestChargesNothing() {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(5L, 100L);

        assertThat(limiter.admit(p, 500)).isInstanceOf(RateLimiter.Limited.class);

        assertThat(limiter.peek(p).remainingRequests()).isEqualTo(5);
        assertThat(limiter.peek(p).remainingTokens()).isEqualTo(100);
    }

    @Test
    void eachReplicaEnforcesItsShareRoundedUp() {
        RateLimiter limiter = limiter(1.0 / 3, null, null);
        Principal p = key(10L, 1000L);

        RateLimiter.Admitted first = (RateLimiter.Admitted) limiter.admit(p, 0);

        assertThat(first.quota().limitRequests()).isEqualTo(4);
        assertThat(first.quota().limitTokens()).isEqualTo(334);
        assertThat(limiter.effective(1)).isEqualTo(1);
    }

    @Test
    void aKeyWithoutLimitsIsAdmittedWithoutHeaders() {
        RateLimiter limiter = limiter(1.0, null, null);

        RateLimiter.Decision decision = limiter.admit(key(null, null), 1_000_000);

        assertThat(decision).isInstanceOf(RateLimiter.Admitted.class);
        assertThat(decision.quota()).isEqualTo(Quota.UNLIMITED);
    }

    @Test
    void aZeroOrgLimitRefusesEverything() {
        // A key's own limits are positive by construction (KeyLimits); an org limit from config may be zero.
        RateLimiter limiter = limiter(1.0, 0L, null);

        RateLimiter.Limited limited = (RateLimiter.Limited) limiter.admit(key(null, null), 0);

        assertThat(limited.scope()).isEqualTo(RateLimiter.Scope.ORG);
        assertThat(limited.limit()).isZero();
        assertThat(limited.retryAfterNanos()).isPositive();
    }

    @Test
    void aChangedLimitTakesEffectOnTheNextRequest() {
        RateLimiter limiter = limiter(1.0, null, null);
        limiter.admit(key(1L, null), 0);
        assertThat(limiter.admit(key(1L, null), 0)).isInstanceOf(RateLimiter.Limited.class);

        assertThat(limiter.admit(key(5L, null), 0)).isInstanceOf(RateLimiter.Admitted.class);
    }

    @Test
    void rejectsAReplicaShareOutsideZeroToOne() {
        assertThatThrownBy(() -> limiter(0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replica-share");
        assertThatThrownBy(() -> limiter(1.5, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentRequestsNeverExceedTheLimit() throws Exception {
        RateLimiter limiter = limiter(1.0, null, null);
        Principal p = key(1000L, null);
        AtomicLong admitted = new AtomicLong();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    if (limiter.admit(p, 0) instanceof RateLimiter.Admitted) {
                        admitted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(admitted.get()).isEqualTo(1000);
    }

    @Test
    void dropsOnlyBucketsThatHaveRefilledAndForgetsNothingByIt() {
        RateLimiter limiter = limiter(1.0, 30L, null); // refills half a request per second
        Principal idle = new Principal("k-idle", "acme", null, Set.of(), 3L, null);
        Principal busy = new Principal("k-busy", "acme", null, Set.of(), 3L, null);
        for (int i = 0; i < 3; i++) {
            limiter.admit(idle, 0); // empties the idle key's bucket: it is full again a minute later
        }
        assertThat(limiter.bucketCount()).isEqualTo(2); // the idle key's and the org's

        advance(59, TimeUnit.SECONDS);
        limiter.admit(busy, 0);
        limiter.admit(busy, 0);
        assertThat(limiter.evictFull()).as("the idle key has not refilled yet").isZero();

        advance(2, TimeUnit.SECONDS);
        assertThat(limiter.evictFull()).as("the idle key's bucket is full again; the busy key and the org are not")
                .isEqualTo(1);
        assertThat(limiter.bucketCount()).isEqualTo(2);

        RateLimiter.Admitted again = (RateLimiter.Admitted) limiter.admit(idle, 0);
        assertThat(again.quota().remainingRequests()).as("a new bucket starts full, as the dropped one was")
                .isEqualTo(2);
        RateLimiter.Decision busyThird = limiter.admit(busy, 0);
        RateLimiter.Decision busyFourth = limiter.admit(busy, 0);
        assertThat(busyThird).isInstanceOf(RateLimiter.Admitted.class);
        assertThat(busyFourth).as("the busy key kept its charges").isInstanceOf(RateLimiter.Limited.class);
    }
}
