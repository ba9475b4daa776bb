package dev.tollgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyStoreTest {

    private final KeyStore keys = new KeyStore(new TestConfig());

    @Test
    void findsTheBootstrapKeyAndNothingElse() {
        assertThat(keys.find(TestConfig.KEY)).map(Principal::orgId).contains("acme");
        assertThat(keys.find(TestConfig.KEY + "x")).isEmpty();
        assertThat(keys.find("tg_unknown")).isEmpty();
    }

    @Test
    void tellsKeysApartThatShareAPrefix() {
        String other = TestConfig.KEY.substring(0, ApiKeyHash.PREFIX_LENGTH) + "somethingElse";
        keys.add(other, new Principal("k2", "globex", null, Set.of()));

        assertThat(keys.find(other)).map(Principal::orgId).contains("globex");
        assertThat(keys.find(TestConfig.KEY)).map(Principal::orgId).contains("acme");
    }

    @Test
    void restrictsAKeyToItsAllowedModels() {
        Principal limited = new Principal("k", "o", null, Set.of("llama"));

        assertThat(limited.mayUse("llama")).isTrue();
        assertThat(limited.mayUse("gpt")).isFalse();
        assertThat(new Principal("k", "o", null, Set.of()).mayUse("anything")).isTrue();
    }
}
