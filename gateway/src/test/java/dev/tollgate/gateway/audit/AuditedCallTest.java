package dev.tollgate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class AuditedCallTest {

    @Test
    void namesTheCollectionTheResourceAndTheActionOfEachKindOfChange() {
        assertThat(AuditedCall.of("POST", "/admin/v1/keys")).isEqualTo(new AuditedCall("keys", null, "create"));
        assertThat(AuditedCall.of("POST", "/admin/v1/keys/key_1/revoke"))
                .isEqualTo(new AuditedCall("keys", "key_1", "revoke"));
        assertThat(AuditedCall.of("PATCH", "/admin/v1/budgets/b1")).isEqualTo(new AuditedCall("budgets", "b1", "update"));
        assertThat(AuditedCall.of("DELETE", "/admin/v1/endpoints/e1"))
                .isEqualTo(new AuditedCall("endpoints", "e1", "delete"));
        assertThat(AuditedCall.of("POST", "/admin/v1/secrets/rewrap"))
                .isEqualTo(new AuditedCall("secrets", null, "rewrap"));
        assertThat(AuditedCall.of("POST", "/admin/v1/orgs/acme/teams")).isEqualTo(new AuditedCall("orgs", "acme", "teams"));
        assertThat(AuditedCall.of("PUT", "/admin/v1/policies/org/acme"))
                .isEqualTo(new AuditedCall("policies", "org/acme", "update"));
        assertThat(AuditedCall.of("DELETE", "/admin/v1/policies/key/k1"))
                .isEqualTo(new AuditedCall("policies", "key/k1", "delete"));
    }

    @Test
    void onlyWritesAreAudited() {
        assertThat(AuditedCall.changes("GET")).isFalse();
        assertThat(AuditedCall.changes("HEAD")).isFalse();
        assertThat(AuditedCall.changes("POST")).isTrue();
        assertThat(AuditedCall.changes("DELETE")).isTrue();
    }

    @Test
    void redactsEverySecretFieldAtAnyDepthAndKeepsNulls() throws Exception {
        JsonNode node = new ObjectMapper().readTree("{\"id\":\"k1\",\"key\":\"tg_secret\",\"nested\":{\"token\":"
                + "\"tgadm_x\",\"list\":[{\"upstream_api_key\":\"sk-1\"}]},\"password\":null,\"name\":\"keep\"}");

        String redacted = Redaction.redact(node).toString();

        assertThat(redacted).doesNotContain("tg_secret").doesNotContain("tgadm_x").doesNotContain("sk-1")
                .contains("\"key\":\"[redacted]\"").contains("\"password\":null").contains("\"name\":\"keep\"");
    }
}
