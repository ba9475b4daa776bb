package dev.tollgate.notifier.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void theWebhookBodyHasEveryFieldOfAlertmanagersVersion4Payload() throws Exception {
        AlertItem down = AlertItem.of(transition("ep-1", AlertState.FIRING), "http://streams:8082/");
        AlertItem other = AlertItem.of(transition("ep-2", AlertState.RESOLVED), "http://streams:8082");
        Group group = Group.of("ops", List.of("alertname"), down.labels());

        JsonNode body = JSON.readTree(Payloads.webhook("ops", group, List.of(down, other), "http://tollgate:8084"));

        assertThat(body.get("version").asText()).isEqualTo("4");
        assertThat(body.get("groupKey").asText()).isEqualTo("{}:{alertname=\"EndpointDown\"}");
        assertThat(body.get("truncatedAlerts").asInt()).isZero();
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("receiver").asText()).isEqualTo("ops");
        assertThat(body.get("groupLabels").toString()).isEqualTo("{\"alertname\":\"EndpointDown\"}");
        assertThat(body.get("commonLabels").toString()).isEqualTo("{\"alertname\":\"EndpointDown\",\"severity\":"
                + "\"critical\"}");
        assertThat(body.get("commonAnnotations").has("summary")).as("the summaries differ").isFalse();
        assertThat(body.get("externalURL").asText()).isEqualTo("http://tollgate:8084");
        JsonNode first = body.get("alerts").get(0);
        assertThat(first.get("status").asText()).isEqualTo("firing");
        assertThat(first.get("labels").get("endpoint").asText()).isEqualTo("ep-1");
        assertThat(first.get("annotations").get("summary").asText()).isEqualTo("ep-1 is down");
        assertThat(first.get("startsAt").asText()).isEqualTo("2026-12-06T10:00:30Z");
        assertThat(first.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(first.get("generatorURL").asText()).isEqualTo("http://streams:8082/v1/alerts?rule=down");
        assertThat(first.get("fingerprint").asText()).isEqualTo("fp-ep-1");
        assertThat(body.get("alerts").get(1).get("endsAt").asText()).isEqualTo("2026-12-06T10:05:00Z");
        assertThat(body.get("alerts").get(1).get("status").asText()).isEqualTo("resolved");
    }

    @Test
    void aGroupWhoseAlertsAllResolvedIsResolved() {
        AlertItem resolved = AlertItem.of(transition("ep-1", AlertState.RESOLVED), null);

        assertThat(Payloads.status(List.of(resolved))).isEqualTo("resolved");
        assertThat(resolved.generatorUrl()).isEmpty();
    }

    @Test
    void theSlackBodyHasTextAndBlocksWithAHeaderASectionPerAlertAndEscapedText() throws Exception {
        AlertTransition t = transition("ep-<1>", AlertState.FIRING);
        AlertItem down = AlertItem.of(t, null);
        Group group = Group.of("slack", List.of("alertname"), down.labels());

        JsonNode body = JSON.readTree(Payloads.slack(group, List.of(down), "http://tollgate:8084"));

        assertThat(body.get("text").asText()).isEqualTo("[FIRING:1] EndpointDown (critical)");
        JsonNode blocks = body.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("text").asText()).isEqualTo("[FIRING:1] EndpointDown (critical)");
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
        assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).get("text").get("text").asText()).contains("ep-&lt;1&gt; is down")
                .contains("`endpoint=ep-&lt;1&gt;`").doesNotContain("rule_id");
        assertThat(blocks.get(blocks.size() - 1).get("type").asText()).isEqualTo("context");
    }

    @Test
    void slackShowsAtMostTwentyAlertsAndSaysHowManyMore() throws Exception {
        List<AlertItem> many = java.util.stream.IntStream.range(0, 25)
                .mapToObj(i -> AlertItem.of(transition("ep-" + i, AlertState.FIRING), null)).toList();

        JsonNode body = JSON.readTree(Payloads.slack(Group.of("s", List.of("alertname"), many.get(0).labels()), many,
                "http://x"));

        assertThat(body.get("blocks").size()).isEqualTo(22);
        assertThat(body.get("blocks").get(21).toString()).contains("5 more alerts");
    }

    @Test
    void groupKeysQuoteLabelValuesAndLeaveAbsentLabelsOut() {
        Group group = Group.of("ops", List.of("alertname", "cluster"), Map.of("alertname", "A\"b", "x", "y"));

        assertThat(group.key()).isEqualTo("{}:{alertname=\"A\\\"b\"}");
        assertThat(group.groupLabels()).containsOnlyKeys("alertname");
    }

    static AlertTransition transition(String endpoint, AlertState state) {
        boolean resolved = state == AlertState.RESOLVED;
        return AlertTransition.newBuilder().setTransitionId("fp-" + endpoint + ":1:" + state).setFingerprint("fp-" + endpoint)
                .setRuleId("down").setRuleName("EndpointDown").setKind(AlertRuleKind.ENDPOINT_DOWN)
                .setSeverity(AlertSeverity.CRITICAL).setState(state)
                .setPreviousState(resolved ? AlertState.FIRING : AlertState.PENDING)
                .setLabels(Map.of("alertname", "EndpointDown", "severity", "critical", "endpoint", endpoint))
                .setAnnotations(Map.of("summary", endpoint + " is down")).setReceivers(List.of("ops")).setValue(1)
                .setThreshold(0).setActiveAt(T0).setFiredAt(T0.plusSeconds(30))
                .setResolvedAt(resolved ? T0.plusSeconds(300) : null).setTransitionedAt(T0.plusSeconds(30)).build();
    }
}
