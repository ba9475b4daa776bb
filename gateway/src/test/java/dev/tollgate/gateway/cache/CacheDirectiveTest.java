package dev.tollgate.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheDirectiveTest {

    @Test
    void aTtlOptsIn() throws Exception {
        assertThat(CacheDirective.parse("ttl=600")).isEqualTo(new CacheDirective(true, 600L, false, false));
    }

    @Test
    void readsEveryTokenOfAList() throws Exception {
        assertThat(CacheDirective.parse(" On , NO-CACHE,no-store "))
                .isEqualTo(new CacheDirective(true, null, true, true));
    }

    @Test
    void nothingSaidIsNone() throws Exception {
        assertThat(CacheDirective.parse(null)).isSameAs(CacheDirective.NONE);
        assertThat(CacheDirective.parse("  ")).isSameAs(CacheDirective.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "ttl=", "ttl=0", "ttl=-5", "ttl=1e3", "ttl=9999999999", "on;ttl=5", "max-age=60"})
    void rejectsWhatItDoesNotKnow(String text) {
        assertThatThrownBy(() -> CacheDirective.parse(text)).isInstanceOf(CacheDirective.Invalid.class)
                .hasMessageContaining("cache directive");
    }
}
