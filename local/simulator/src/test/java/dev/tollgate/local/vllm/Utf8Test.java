package dev.tollgate.local.vllm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "é", "€", "你好", "🚀", "mixed é € 🚀 end"})
    void acceptsWellFormedUtf8(String text) {
        assertThat(Utf8.isValid(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "c3", "c0af", "e080af", "eda080", "f4908080", "f8888080", "ff", "e282", "41c3"})
    void rejectsMalformedUtf8(String hex) {
        assertThat(Utf8.isValid(HexFormat.of().parseHex(hex))).isFalse();
    }
}
