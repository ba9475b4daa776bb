package dev.tollgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void generatesTgPrefixedKeysOf32RandomBytesInBase64Url() {
        ApiKeys.Generated key = ApiKeys.generate();

        assertThat(key.plain()).startsWith("tg_").hasSize(3 + 43).matches("tg_[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(key.plain().substring(3))).hasSize(32);
    }

    @Test
    void storesTheSha256DigestAndAPublicPrefixOfTheKey() throws Exception {
        ApiKeys.Generated key = ApiKeys.generate();

        byte[] expected = MessageDigest.getInstance("SHA-256").digest(key.plain().getBytes(StandardCharsets.UTF_8));
        assertThat(key.digest()).isEqualTo(expected);
        assertThat(key.prefix()).hasSize(ApiKeys.PREFIX_LENGTH).isEqualTo(key.plain().substring(0, ApiKeys.PREFIX_LENGTH));
    }

    @Test
    void neverGeneratesTheSameKeyTwice() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(ApiKeys.generate().plain());
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void doesNotPrintThePlainKey() {
        ApiKeys.Generated key = ApiKeys.generate();

        assertThat(key.toString()).doesNotContain(key.plain()).contains(key.prefix());
    }
}
