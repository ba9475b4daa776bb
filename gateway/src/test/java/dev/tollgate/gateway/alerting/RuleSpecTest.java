package dev.tollgate.gateway.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.JsonBody;
import org.junit.jupiter.api.Test;

class RuleSpecTest {

    @Test
    void fillsInEachKindsDefaults() {
        RuleSpec latency = RuleSpec.parse(JsonBody.parse("{\"name\":\"Slow\",\"kind\":\"latency\",\"scope\":\"model\","
                + "\"window\":\"5m\",\"threshold\":2000}"));
        RuleSpec down = RuleSpec.parse(JsonBody.parse("{\"name\":\"Down\",\"kind\":\"endpoint_down\"}"));

        assertThat(latency.percentile()).isEqualTo(95);
        assertThat(latency.metric()).isEqualTo("latency");
        assertThat(latency.minRequests()).isEqualTo(10);
        assertThat(latency.windowMs()).isEqualTo(300_000);
        assertThat(latency.severity()).isEqualTo("warning");
        assertThat(down.scope()).isEqualTo("endpoint");
        assertThat(down.forMs()).isZero();
        assertThat(down.enabled()).isTrue();
    }

    @Test
    void aPatchOverlaidOnARuleIsValidatedAsAWhole() {
        AlertRuleEntity row = new AlertRuleEntity();
        RuleSpec.parse(JsonBody.parse("{\"name\":\"Errors\",\"kind\":\"error_rate\",\"scope\":\"org\","
                + "\"window\":\"5m\",\"threshold\":0.05,\"for\":\"2m\"}")).applyTo(row);

        RuleSpec changed = RuleSpec.parse(AlertingRecords.body(row).overlaidWith(JsonBody.parse("{\"threshold\":0.2}")));

        assertThat(changed.threshold()).isEqualTo(0.2);
        assertThat(changed.forMs()).isEqualTo(120_000);
        assertThatThrownBy(() -> RuleSpec.parse(AlertingRecords.body(row).overlaidWith(
                JsonBody.parse("{\"window\":null}"))))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.error().param()).isEqualTo("window"));
    }

    @Test
    void masksAReceiversUrlToItsSchemeAndHost() {
        assertThat(UrlMask.mask("https://hooks.slack.com/services/T/B/secret")).isEqualTo("https://hooks.slack.com/***");
        assertThat(UrlMask.mask("http://127.0.0.1:9999/hook?token=x")).isEqualTo("http://127.0.0.1:9999/***");
        assertThat(UrlMask.mask("not a url")).isEqualTo("***");
    }
}
