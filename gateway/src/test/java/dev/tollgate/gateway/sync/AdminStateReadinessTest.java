package dev.tollgate.gateway.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminStateReadinessTest {

    @Test
    void staysReadyHoweverStaleTheStateWhenNoBoundIsSet() {
        assertThat(AdminStateReadiness.ready(true, Duration.ofHours(1), Optional.empty())).isTrue();
    }

    @Test
    void goesDownOnceTheStateIsStalerThanTheConfiguredBound() {
        Optional<Duration> bound = Optional.of(Duration.ofSeconds(30));

        assertThat(AdminStateReadiness.ready(true, Duration.ofSeconds(30), bound)).isTrue();
        assertThat(AdminStateReadiness.ready(true, Duration.ofSeconds(31), bound)).isFalse();
    }

    @Test
    void isNeverReadyBeforeTheSnapshotIsHeld() {
        assertThat(AdminStateReadiness.ready(false, Duration.ZERO, Optional.empty())).isFalse();
    }
}
