package dev.tollgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy twoRetries = new RetryPolicy(2);

    @Test
    void retriesAFailureBeforeTheClientSawAnyByte() {
        assertThat(twoRetries.mayRetry(1, false)).isTrue();
        assertThat(twoRetries.mayRetry(2, false)).isTrue();
    }

    @Test
    void neverRetriesOnceBytesReachedTheClient() {
        assertThat(twoRetries.mayRetry(1, true)).isFalse();
    }

    @Test
    void stopsAfterTheConfiguredRetries() {
        assertThat(twoRetries.mayRetry(3, false)).isFalse();
    }

    @Test
    void zeroRetriesMeansOneAttempt() {
        assertThat(new RetryPolicy(0).mayRetry(1, false)).isFalse();
    }

    @Test
    void rejectsANegativeBound() {
        assertThatThrownBy(() -> new RetryPolicy(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
