package dev.tollgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys that come from the admin state: expiry, revocation, versions and limits. */
class KeyRecordsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final KeyStore keys = new KeyStore(new TestConfig(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsAKeyBeforeItsExpiryAndRefusesItAtAndAfter() {
        ApiKeys.Generated soon = ApiKeys.generate();
        ApiKeys.Generated past = ApiKeys.generate();
        keys.put(record("k-soon", soon, NOW.plusSeconds(1), null, 1));
        keys.put(record("k-past", past, NOW, null, 1));

        assertThat(keys.lookup(soon.plain())).isInstanceOf(KeyStore.Accepted.class);
        assertThat(keys.lookup(past.plain())).isEqualTo(new KeyStore.Refused(keys.byId("k-past").orElseThrow(),
                KeyStore.Refusal.EXPIRED));
        assertThat(keys.find(past.plain())).isEmpty();
    }

    @Test
    void refusesARevokedKeyAsRevokedEvenWhenItHasAlsoExpired() {
        ApiKeys.Generated key = ApiKeys.generate();
        keys.put(record("k", key, null, null, 1));
        keys.put(record("k", key, NOW.minusSeconds(60), NOW.minusSeconds(1), 2));

        assertThat(keys.lookup(key.plain())).isInstanceOfSatisfying(KeyStore.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(KeyStore.Refusal.REVOKED));
    }

    @Test
    void ignoresAStateOlderThanTheOneHeld() {
        ApiKeys.Generated key = ApiKeys.generate();
        keys.put(record("k", key, null, NOW.minusSeconds(1), 3));

        boolean applied = keys.put(record("k", key, null, null, 2));

        assertThat(applied).isFalse();
        assertThat(keys.lookup(key.plain())).isInstanceOf(KeyStore.Refused.class);
    }

    @Test
    void unknownKeysAreUnknownNotRefused() {
        assertThat(keys.lookup("tg_" + "x".repeat(43))).isInstanceOf(KeyStore.Unknown.class);
    }

    @Test
    void carriesAllowedModelsAndLimitsToThePrincipal() {
        ApiKeys.Generated key = ApiKeys.generate();
        Principal principal = new Principal("k", "acme", "search", Set.of("llama"), new KeyLimits(60L, 10_000L));
        keys.put(new KeyRecord(principal, key.prefix(), key.digest(), null, null, 1));

        Principal found = keys.find(key.plain()).orElseThrow();
        assertThat(found.mayUse("llama")).isTrue();
        assertThat(found.mayUse("gpt")).isFalse();
        assertThat(found.limits()).isEqualTo(new KeyLimits(60L, 10_000L));
        assertThat(found.teamId()).isEqualTo("search");
    }

    @Test
    void rejectsAZeroOrNegativeLimitBecauseNullMeansUnlimited() {
        assertThatThrownBy(() -> new KeyLimits(0L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KeyLimits(null, -1L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Principal("k", "o", null, Set.of()).limits()).isEqualTo(KeyLimits.UNLIMITED);
    }

    private static KeyRecord record(String id, ApiKeys.Generated key, Instant expiresAt, Instant revokedAt, long version) {
        return new KeyRecord(new Principal(id, "acme", null, Set.of()), key.prefix(), key.digest(), expiresAt,
                revokedAt, version);
    }
}
