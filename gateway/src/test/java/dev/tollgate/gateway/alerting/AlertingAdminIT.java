package dev.tollgate.gateway.alerting;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertScope;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.control.v1.AlertSilence;
import dev.tollgate.control.v1.ReceiverType;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alert rule and receiver admin API against real PostgreSQL, a real broker and the real registry (the test
 * resources of {@code admin.AdminApiIT}): what is stored, what is published for the streams app and the notifier,
 * what is refused and why, and that a receiver's URL is never answered.
 */
@QuarkusTest
class AlertingAdminIT {

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final Duration PUBLISHED = Duration.ofSeconds(10);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    private TopicRecords topics;

    @BeforeEach
    void follow() {
        topics = new TopicRecords(bootstrap, registry, List.of(Topics.ALERT_RULES, Topics.ALERT_RECEIVERS,
                Topics.ALERT_SILENCES));
    }

    @AfterEach
    void close() {
        topics.close();
    }

    @Test
    void aReceiverIsStoredAndPublishedWithItsUrlButAnsweredWithItMasked() {
        String id = id("ops");
        String url = "https://hooks.slack.com/services/T000/B000/very-secret-token";

        admin().body("{\"id\":\"" + id + "\",\"type\":\"slack\",\"url\":\"" + url + "\",\"group_wait\":\"5s\"}")
                .post("/admin/v1/receivers").then().statusCode(201)
                .body("url", equalTo("https://hooks.slack.com/***")).body("max_per_second", equalTo(1.0f))
                .body("group_wait", equalTo("5s")).body("group_interval", equalTo("1m"))
                .body("repeat_interval", equalTo("4h")).body("group_by", equalTo(List.of("alertname")));
        String listed = admin().get("/admin/v1/receivers").then().statusCode(200).extract().asString();
        ConsumerRecord<String, Object> published = topics.await(r -> id.equals(r.key()), PUBLISHED);

        assertThat(listed).contains(id).doesNotContain("very-secret-token").doesNotContain("/services/");
        assertThat(published).isNotNull();
        AlertReceiver receiver = (AlertReceiver) published.value();
        assertThat(receiver.getUrl()).as("the notifier needs it").isEqualTo(url);
        assertThat(receiver.getType()).isEqualTo(ReceiverType.SLACK);
        assertThat(receiver.getGroupWaitMs()).isEqualTo(5000);

        admin().body("{\"url\":\"https://example.org/hook\",\"send_resolved\":false}").patch("/admin/v1/receivers/" + id)
                .then().statusCode(200).body("url", equalTo("https://example.org/***"))
                .body("send_resolved", equalTo(false)).body("group_wait", equalTo("5s"));
        assertThat(topics.await(r -> id.equals(r.key()) && r.value() instanceof AlertReceiver r2
                && r2.getUrl().equals("https://example.org/hook") && !r2.getSendResolved(), PUBLISHED)).isNotNull();
    }

    @Test
    void aSilenceIsStoredPublishedForTheNotifierAndExpiredRatherThanDeleted() {
        String id = id("sil");
        Instant ends = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        admin().body("{\"id\":\"" + id + "\",\"matchers\":{\"alertname\":\"EndpointDown\",\"endpoint\":\"sim-2\"},"
                        + "\"ends_at\":\"" + ends + "\",\"comment\":\"GPU swap\",\"created_by\":\"ops\"}")
                .post("/admin/v1/silences").then().statusCode(201).body("state", equalTo("active"))
                .body("matchers.endpoint", equalTo("sim-2")).body("ends_at", equalTo(ends.toString()));
        AlertSilence published = (AlertSilence) topics.await(r -> id.equals(r.key()), PUBLISHED).value();

        assertThat(published.getMatchers()).containsEntry("alertname", "EndpointDown").containsEntry("endpoint", "sim-2");
        assertThat(published.getEndsAt()).isEqualTo(ends);
        assertThat(published.getComment()).isEqualTo("GPU swap");
        admin().queryParam("state", "active").get("/admin/v1/silences").then().statusCode(200)
                .body("data.id", hasItem(id));

        admin().post("/admin/v1/silences/" + id + "/expire").then().statusCode(200).body("state", equalTo("expired"));
        AlertSilence expired = (AlertSilence) topics.await(r -> id.equals(r.key()) && r.value() instanceof AlertSilence s
                && s.getEndsAt().isBefore(ends), PUBLISHED).value();
        assertThat(expired.getEndsAt()).isBeforeOrEqualTo(Instant.now());
        admin().post("/admin/v1/silences/" + id + "/expire").then().statusCode(200).body("state", equalTo("expired"));
        admin().queryParam("state", "active,pending").get("/admin/v1/silences").then().statusCode(200)
                .body("data.id", not(hasItem(id)));
        admin().get("/admin/v1/silences/" + id).then().statusCode(200).body("created_by", equalTo("ops"));
        admin().post("/admin/v1/silences/no-such-silence/expire").then().statusCode(404);
    }

    @Test
    void anInvalidSilenceGets400NamingTheField() {
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        admin().body("{\"matchers\":{},\"ends_at\":\"" + future + "\",\"comment\":\"x\"}")
                .post("/admin/v1/silences").then().statusCode(400).body("error.param", equalTo("matchers"));
        admin().body("{\"matchers\":{\"endpoint\":\"e\"},\"ends_at\":\"2020-01-01T00:00:00Z\",\"comment\":\"x\"}")
                .post("/admin/v1/silences").then().statusCode(400).body("error.param", equalTo("ends_at"));
        admin().body("{\"matchers\":{\"endpoint\":\"e\"},\"ends_at\":\"tomorrow\",\"comment\":\"x\"}")
                .post("/admin/v1/silences").then().statusCode(400).body("error.param", equalTo("ends_at"));
        admin().body("{\"matchers\":{\"endpoint\":\"e\"},\"ends_at\":\"" + future + "\"}")
                .post("/admin/v1/silences").then().statusCode(400).body("error.param", equalTo("comment"));
        admin().body("{\"matchers\":{\"endpoint\":\"e\"},\"ends_at\":\"" + future + "\",\"comment\":\"x\","
                        + "\"matcher\":1}")
                .post("/admin/v1/silences").then().statusCode(400).body("error.param", equalTo("matcher"));
        admin().queryParam("state", "firing").get("/admin/v1/silences").then().statusCode(400)
                .body("error.param", equalTo("state"));
    }

    @Test
    void aRuleIsStoredAndPublishedForTheStreamsApp() {
        String receiver = receiver();
        String id = id("down");

        admin().body("{\"id\":\"" + id + "\",\"name\":\"EndpointDown\",\"kind\":\"endpoint_down\",\"for\":\"30s\","
                        + "\"severity\":\"critical\",\"labels\":{\"team\":\"ml\"},"
                        + "\"annotations\":{\"summary\":\"{{ $labels.endpoint }} is down\"},"
                        + "\"receivers\":[\"" + receiver + "\"]}")
                .post("/admin/v1/alert-rules").then().statusCode(201).body("scope", equalTo("endpoint"))
                .body("for", equalTo("30s")).body("keep_firing_for", equalTo("0s")).body("enabled", equalTo(true))
                .body("$", not(org.hamcrest.Matchers.hasKey("window")));
        AlertRule published = (AlertRule) topics.await(r -> id.equals(r.key()), PUBLISHED).value();

        assertThat(published.getKind()).isEqualTo(AlertRuleKind.ENDPOINT_DOWN);
        assertThat(published.getScope()).isEqualTo(AlertScope.ENDPOINT);
        assertThat(published.getScopeId()).isNull();
        assertThat(published.getForMs()).isEqualTo(30_000);
        assertThat(published.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(published.getLabels()).containsEntry("team", "ml");
        assertThat(published.getReceivers()).containsExactly(receiver);

        admin().body("{\"for\":\"1m\",\"enabled\":false}").patch("/admin/v1/alert-rules/" + id).then().statusCode(200)
                .body("for", equalTo("1m")).body("enabled", equalTo(false)).body("name", equalTo("EndpointDown"));
        AlertRule changed = (AlertRule) topics.await(r -> id.equals(r.key()) && r.value() instanceof AlertRule a
                && !a.getEnabled(), PUBLISHED).value();
        assertThat(changed.getVersion()).isGreaterThan(published.getVersion());
        assertThat(changed.getForMs()).isEqualTo(60_000);

        admin().delete("/admin/v1/alert-rules/" + id).then().statusCode(200);
        assertThat(topics.await(r -> id.equals(r.key()) && r.value() == null, PUBLISHED)).as("tombstone").isNotNull();
        admin().get("/admin/v1/alert-rules/" + id).then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void anInvalidRuleGets400NamingTheFieldAndTheReason() {
        String receiver = receiver();
        invalid("{\"name\":\"X\"}", "kind", "required");
        invalid("{\"name\":\"X\",\"kind\":\"error_rate\",\"window\":\"5m\",\"threshold\":0.1}", "scope", "required");
        invalid("{\"name\":\"X\",\"kind\":\"error_rate\",\"scope\":\"budget\"}", "scope", "not budget");
        invalid("{\"name\":\"X\",\"kind\":\"error_rate\",\"scope\":\"model\",\"window\":\"90s\",\"threshold\":0.1}",
                "window", "whole minutes");
        invalid("{\"name\":\"X\",\"kind\":\"error_rate\",\"scope\":\"model\",\"window\":\"5m\",\"threshold\":1.5}",
                "threshold", "up to 1");
        invalid("{\"name\":\"X\",\"kind\":\"endpoint_down\",\"threshold\":3}", "threshold", "does not apply");
        invalid("{\"name\":\"X\",\"kind\":\"latency\",\"scope\":\"org\",\"window\":\"5m\",\"threshold\":900,"
                + "\"percentile\":97}", "percentile", "50, 90, 95, 99");
        invalid("{\"name\":\"X\",\"kind\":\"endpoint_down\",\"labels\":{\"endpoint\":\"x\"}}", "labels", "set by");
        invalid("{\"name\":\"X\",\"kind\":\"endpoint_down\",\"for\":\"soon\"}", "for", "duration");
        invalid("{\"name\":\"X\",\"kind\":\"endpoint_down\",\"treshold\":1}", "treshold", "not a field");
        invalid("{\"name\":\"X\",\"kind\":\"endpoint_down\",\"receivers\":[\"" + receiver + "\",\"nobody\"]}",
                "receivers", "'nobody'");
        invalid("{\"name\":\"has space\",\"kind\":\"endpoint_down\"}", "name", "alert's name");
        invalid("{\"name\":\"X\",\"kind\":\"vllm_saturation\",\"threshold\":5}", "metric", "waiting or kv_cache");
        invalid("{\"name\":\"X\",\"kind\":\"spend_rate\",\"scope\":\"org\",\"window\":\"10m\",\"baseline\":\"5m\","
                + "\"threshold\":3}", "baseline", "at least the window");
        admin().body("{\"kind\":\"latency\"}").patch("/admin/v1/alert-rules/nope").then().statusCode(404);
    }

    @Test
    void aReceiverNamedByARuleCannotBeDeletedAndAnInvalidReceiverGets400() {
        String receiver = receiver();
        String rule = id("uses");
        admin().body("{\"id\":\"" + rule + "\",\"name\":\"Uses\",\"kind\":\"budget_threshold\",\"threshold\":90,"
                + "\"receivers\":[\"" + receiver + "\"]}").post("/admin/v1/alert-rules").then().statusCode(201);

        admin().delete("/admin/v1/receivers/" + receiver).then().statusCode(409).body("error.code", equalTo("conflict"))
                .body("error.message", containsString(rule));
        admin().body("{\"type\":\"email\",\"url\":\"https://x.org\"}").post("/admin/v1/receivers").then()
                .statusCode(400).body("error.param", equalTo("type"));
        admin().body("{\"type\":\"webhook\",\"url\":\"ftp://x.org/secret\"}").post("/admin/v1/receivers").then()
                .statusCode(400).body("error.param", equalTo("url"))
                .body("error.message", not(containsString("secret")));
        admin().body("{\"type\":\"webhook\",\"url\":\"https://x.org\",\"max_per_second\":0}")
                .post("/admin/v1/receivers").then().statusCode(400).body("error.param", equalTo("max_per_second"));
        admin().body("{\"id\":\"" + receiver + "\",\"type\":\"webhook\",\"url\":\"https://x.org\"}")
                .post("/admin/v1/receivers").then().statusCode(409);

        admin().delete("/admin/v1/alert-rules/" + rule).then().statusCode(200);
        admin().delete("/admin/v1/receivers/" + receiver).then().statusCode(200).body("url", equalTo("https://hooks.example.org/***"));
        assertThat(topics.await(r -> receiver.equals(r.key()) && r.value() == null, PUBLISHED)).as("tombstone")
                .isNotNull();
    }

    @Test
    void theAdminTokenGuardsRulesAndReceivers() {
        given().get("/admin/v1/alert-rules").then().statusCode(401).body("error.code", equalTo("invalid_admin_token"));
        given().get("/admin/v1/receivers").then().statusCode(401);
        admin().get("/admin/v1/alert-rules").then().statusCode(200).body("object", equalTo("list"));
    }

    private void invalid(String body, String param, String reason) {
        admin().body(body).post("/admin/v1/alert-rules").then().statusCode(400)
                .body("error.code", equalTo("invalid_request")).body("error.param", equalTo(param))
                .body("error.message", containsString(reason));
    }

    private static String receiver() {
        String id = id("rcv");
        admin().body("{\"id\":\"" + id + "\",\"type\":\"webhook\",\"url\":\"https://hooks.example.org/t/" + id + "\"}")
                .post("/admin/v1/receivers").then().statusCode(201).body("id", equalTo(id));
        admin().get("/admin/v1/receivers").then().body("data.id", hasItem(id));
        return id;
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }
}
