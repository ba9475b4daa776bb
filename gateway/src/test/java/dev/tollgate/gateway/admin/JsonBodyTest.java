package dev.tollgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.openai.ErrorCode;
import java.time.Instant;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JsonBodyTest {

    @Test
    void rejectsMalformedJsonAndNonObjects() {
        assertCode(() -> JsonBody.parse("{\"id\":"), ErrorCode.INVALID_JSON, null);
        assertCode(() -> JsonBody.parse("[1]"), ErrorCode.INVALID_REQUEST, null);
    }

    @Test
    void namesTheMissingOrMalformedFieldInParam() {
        JsonBody body = JsonBody.parse("{\"id\":\"Not A Slug\",\"rpm_limit\":0,\"allowed_models\":[\"a,b\"]}");

        assertCode(() -> body.requiredText("org_id", JsonBody.ID, "an id"), ErrorCode.INVALID_REQUEST, "org_id");
        assertCode(() -> body.requiredText("id", JsonBody.ID, "an id"), ErrorCode.INVALID_REQUEST, "id");
        assertCode(() -> body.optionalLong("rpm_limit", 1, 10), ErrorCode.INVALID_REQUEST, "rpm_limit");
        assertCode(() -> body.optionalTextList("allowed_models", JsonBody.MODEL, "a model"), ErrorCode.INVALID_REQUEST,
                "allowed_models");
    }

    @Test
    void readsValidFieldsAndTreatsAbsentOptionalsAsEmpty() {
        JsonBody body = JsonBody.parse("{\"id\":\"acme\",\"rpm_limit\":60,\"allowed_models\":[\"llama-3\",\"llama-3\"],"
                + "\"environment\":\"Staging\"}");

        assertThat(body.requiredText("id", JsonBody.ID, "an id")).isEqualTo("acme");
        assertThat(body.optionalLong("rpm_limit", 1, 100)).contains(60L);
        assertThat(body.optionalLong("tpm_limit", 1, 100)).isEmpty();
        assertThat(body.optionalTextList("allowed_models", JsonBody.MODEL, "a model")).containsExactly("llama-3");
        assertThat(body.optionalChoice("environment", Set.of("staging", "production"))).contains("staging");
        assertThat(JsonBody.parse("").optionalName("name", 10)).isEmpty();
    }

    @Test
    void acceptsOnlyAFutureExpiry() {
        Instant now = Instant.parse("2026-11-22T12:00:00Z");

        assertThat(JsonBody.parse("{\"expires_at\":\"2027-01-01T00:00:00Z\"}").optionalInstantAfter("expires_at", now))
                .contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertCode(() -> JsonBody.parse("{\"expires_at\":\"2026-01-01T00:00:00Z\"}").optionalInstantAfter("expires_at", now),
                ErrorCode.INVALID_REQUEST, "expires_at");
        assertCode(() -> JsonBody.parse("{\"expires_at\":\"tomorrow\"}").optionalInstantAfter("expires_at", now),
                ErrorCode.INVALID_REQUEST, "expires_at");
    }

    @Test
    void rejectsAChoiceOutsideTheAllowedSet() {
        assertCode(() -> JsonBody.parse("{\"status\":\"broken\"}").optionalChoice("status", Set.of("ready")),
                ErrorCode.INVALID_REQUEST, "status");
    }

    @Test
    void readsDurationsAsAdminsWriteThemAndWritesThemBackTheSameWay() {
        java.time.Duration max = java.time.Duration.ofHours(24);
        JsonBody body = JsonBody.parse("{\"a\":\"30s\",\"b\":\"5m\",\"c\":\"PT1H30M\",\"d\":\"250ms\","
                + "\"e\":\"soon\",\"f\":30}");

        assertThat(body.optionalDuration("a", java.time.Duration.ZERO, max)).contains(java.time.Duration.ofSeconds(30));
        assertThat(body.optionalDuration("b", java.time.Duration.ZERO, max)).contains(java.time.Duration.ofMinutes(5));
        assertThat(body.optionalDuration("c", java.time.Duration.ZERO, max)).contains(java.time.Duration.ofMinutes(90));
        assertThat(JsonBody.format(java.time.Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(JsonBody.format(java.time.Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(JsonBody.format(java.time.Duration.ofHours(4))).isEqualTo("4h");
        assertCode(() -> body.optionalDuration("d", java.time.Duration.ofSeconds(1), max), ErrorCode.INVALID_REQUEST,
                "d");
        assertCode(() -> body.optionalDuration("e", java.time.Duration.ZERO, max), ErrorCode.INVALID_REQUEST, "e");
        assertCode(() -> body.optionalDuration("f", java.time.Duration.ZERO, max), ErrorCode.INVALID_REQUEST, "f");
    }

    @Test
    void namesAnUnknownFieldAndAReservedOrMalformedMapEntry() {
        assertCode(() -> JsonBody.parse("{\"nmae\":\"x\"}").rejectUnknownFields(Set.of("name")),
                ErrorCode.INVALID_REQUEST, "nmae");
        java.util.regex.Pattern names = java.util.regex.Pattern.compile("[a-z_]+");
        assertCode(() -> JsonBody.parse("{\"labels\":{\"org\":\"x\"}}").optionalStringMap("labels", names,
                Set.of("org"), 5, 10), ErrorCode.INVALID_REQUEST, "labels");
        assertCode(() -> JsonBody.parse("{\"labels\":{\"team\":1}}").optionalStringMap("labels", names, Set.of(), 5,
                10), ErrorCode.INVALID_REQUEST, "labels");
        assertThat(JsonBody.parse("{\"labels\":{\"team\":\"ml\"}}").optionalStringMap("labels", names, Set.of(), 5,
                10)).contains(java.util.Map.of("team", "ml"));
        assertCode(() -> JsonBody.parse("{\"t\":1.5}").optionalDouble("t", 0, true, 1), ErrorCode.INVALID_REQUEST, "t");
        assertCode(() -> JsonBody.parse("{\"b\":\"yes\"}").optionalBoolean("b"), ErrorCode.INVALID_REQUEST, "b");
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code, String param) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AdminException.class, e -> {
            assertThat(e.error().code()).isEqualTo(code);
            assertThat(e.error().param()).isEqualTo(param);
        });
    }
}
