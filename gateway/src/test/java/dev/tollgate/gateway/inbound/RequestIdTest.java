package dev.tollgate.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "A-Z_a.z:09", "req-1bd9f951", "", " ", "tab\there", "ümlaut", "a/b", "a b",
        "x\n", "[DONE]"})
    void acceptsExactlyWhatTheDocumentedPatternAccepts(String id) {
        assertThat(ApiRoutes.isWellFormedRequestId(id)).isEqualTo(id.matches("[A-Za-z0-9._:-]+"));
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 129})
    void acceptsAtMost128Characters(int length) {
        assertThat(ApiRoutes.isWellFormedRequestId("a".repeat(length))).isEqualTo(length <= 128);
    }
}
