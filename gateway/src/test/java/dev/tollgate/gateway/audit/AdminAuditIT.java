package dev.tollgate.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.control.v1.AdminAuditEvent;
import dev.tollgate.gateway.alerting.TopicRecords;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin audit trail (issue #24) read back from the real broker through the real registry: one event per admin
 * change, for every kind of admin state, naming the credential, with before and after and no secret.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AdminAuditIT {

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;
    private TopicRecords audit;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void follow() {
        audit = new TopicRecords(bootstrap, registry, List.of(Topics.ADMIN_AUDIT));
    }

    @AfterEach
    void close() {
        audit.close();
    }

    @Test
    void everyAdminChangeOfEveryKindPublishesOneAuditEventWithoutSecrets() {
        List<String[]> changes = new ArrayList<>();
        String org = "audit-org-" + run;
        changes.add(call("POST", "/admin/v1/orgs", "{\"id\":\"" + org + "\",\"name\":\"Audited\"}", 201));
        changes.add(call("POST", "/admin/v1/orgs/" + org + "/teams", "{\"id\":\"" + org + "-t\",\"name\":\"T\"}", 201));
        String plainKey = admin().body("{\"org_id\":\"" + org + "\"}").post("/admin/v1/keys").then().statusCode(201)
                .extract().path("key");
        String keyId = admin().queryParam("org_id", org).get("/admin/v1/keys").then().extract().path("data[0].id");
        changes.add(new String[] {"POST", "/admin/v1/keys", keyId});
        changes.add(call("POST", "/admin/v1/keys/" + keyId + "/environments",
                "{\"allowed_environments\":[\"production\",\"staging\"]}", 200));
        changes.add(call("POST", "/admin/v1/keys/" + keyId + "/revoke", "", 200));
        String upstreamSecret = "sk-audit-" + run;
        String endpoint = "audit-ep-" + run;
        changes.add(call("POST", "/admin/v1/endpoints", "{\"id\":\"" + endpoint + "\",\"model\":\"audit-model\","
                + "\"base_url\":\"http://10.0.0.77:8000\",\"upstream_api_key\":\"" + upstreamSecret + "\"}", 201));
        changes.add(call("POST", "/admin/v1/endpoints/" + endpoint + "/disable", "", 200));
        changes.add(call("DELETE", "/admin/v1/endpoints/" + endpoint, null, 200));
        String budget = "audit-budget-" + run;
        changes.add(call("POST", "/admin/v1/budgets", "{\"id\":\"" + budget + "\",\"scope_type\":\"org\",\"scope_id\":\""
                + org + "\",\"amount_micros\":5000000,\"period\":\"daily\"}", 201));
        changes.add(call("PATCH", "/admin/v1/budgets/" + budget, "{\"amount_micros\":6000000}", 200));
        changes.add(call("DELETE", "/admin/v1/budgets/" + budget, null, 200));
        String evaluator = "audit-eval-" + run;
        changes.add(call("POST", "/admin/v1/evaluators", "{\"id\":\"" + evaluator + "\",\"name\":\"Polite\","
                + "\"type\":\"regex\",\"definition\":{\"pattern\":\"please\"}}", 201));
        String receiver = "audit-rcv-" + run;
        changes.add(call("POST", "/admin/v1/receivers", "{\"id\":\"" + receiver + "\",\"type\":\"webhook\","
                + "\"url\":\"https://hooks.example.org/secret-path-" + run + "\"}", 201));
        String rule = "audit-rule-" + run;
        changes.add(call("POST", "/admin/v1/alert-rules", "{\"id\":\"" + rule + "\",\"name\":\"Down\","
                + "\"kind\":\"endpoint_down\",\"for\":\"30s\",\"receivers\":[\"" + receiver + "\"]}", 201));
        String dataset = "audit-ds-" + run;
        changes.add(call("POST", "/admin/v1/datasets", "{\"id\":\"" + dataset + "\",\"name\":\"Capitals\","
                + "\"examples\":[{\"id\":\"fr\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital?\"}]}]}", 201));
        String silence = admin().body("{\"matchers\":{\"rule\":\"" + rule + "\"},"
                        + "\"ends_at\":\"2999-01-01T00:00:00Z\",\"comment\":\"maintenance\"}")
                .post("/admin/v1/silences").then().statusCode(201).extract().path("id");
        changes.add(new String[] {"POST", "/admin/v1/silences", silence});
        List<String[]> edits = List.of(
                call("PUT", "/admin/v1/evaluators/" + evaluator, "{\"name\":\"Polite v2\",\"type\":\"regex\","
                        + "\"definition\":{\"pattern\":\"thanks\"}}", 200),
                call("POST", "/admin/v1/evaluators/" + evaluator + "/disable", "", 200),
                call("POST", "/admin/v1/evaluators/" + evaluator + "/enable", "", 200),
                call("PATCH", "/admin/v1/receivers/" + receiver, "{\"url\":\"https://hooks.example.org/"
                        + "secret-path-" + run + "-2\"}", 200),
                call("PATCH", "/admin/v1/alert-rules/" + rule, "{\"for\":\"60s\"}", 200),
                call("POST", "/admin/v1/silences/" + silence + "/expire", "", 200),
                call("DELETE", "/admin/v1/alert-rules/" + rule, null, 200),
                call("DELETE", "/admin/v1/receivers/" + receiver, null, 200),
                call("DELETE", "/admin/v1/evaluators/" + evaluator, null, 200));
        changes.addAll(edits);
        String credentialToken = admin().body("{\"name\":\"audit-cred-" + run + "\"}").post("/admin/v1/credentials")
                .then().statusCode(201).extract().path("token");
        String credentialId = admin().get("/admin/v1/credentials").then().extract()
                .path("data.find { it.name == 'audit-cred-" + run + "' }.id");
        changes.add(new String[] {"POST", "/admin/v1/credentials", credentialId});
        changes.add(call("POST", "/admin/v1/credentials/" + credentialId + "/revoke", "", 200));
        changes.add(call("POST", "/admin/v1/secrets/rewrap", "{}", 200));
        admin().get("/admin/v1/orgs").then().statusCode(200);
        admin().body("{\"name\":\"no id\"}").post("/admin/v1/orgs/" + org + "/teams").then().statusCode(400);

        List<AdminAuditEvent> events = awaitEvents(changes.size());

        assertThat(events).as("one event per change; none for the read and the refused change")
                .hasSize(changes.size());
        for (String[] change : changes) {
            assertThat(events).as("%s %s", change[0], change[1]).filteredOn(e -> matches(e, change)).hasSize(1);
        }
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getCredentialId()).isEqualTo("master");
            assertThat(e.getRole()).isEqualTo("admin");
            assertThat(e.getStatus()).isBetween(200, 299);
            assertThat(e.getAfter()).isNotNull();
        });
        assertThat(events).noneMatch(e -> e.getMethod().equals("GET"));
        assertThat(events.toString()).doesNotContain(plainKey).doesNotContain(upstreamSecret)
                .doesNotContain(credentialToken).doesNotContain("secret-path-" + run);
        AdminAuditEvent revoke = only(events, "POST", "/admin/v1/keys/" + keyId + "/revoke");
        assertThat(revoke.getBefore()).contains("\"revoked_at\":null");
        assertThat(revoke.getAfter()).doesNotContain("\"revoked_at\":null");
        assertThat(only(events, "POST", "/admin/v1/keys").getAfter()).contains("\"key\":\"[redacted]\"");
        List<String[]> changedExisting = new ArrayList<>(edits);
        changedExisting.add(new String[] {"PATCH", "/admin/v1/budgets/" + budget});
        changedExisting.add(new String[] {"DELETE", "/admin/v1/budgets/" + budget});
        changedExisting.add(new String[] {"DELETE", "/admin/v1/endpoints/" + endpoint});
        for (String[] change : changedExisting) {
            assertThat(only(events, change[0], change[1]).getBefore()).as("before of %s %s", change[0], change[1])
                    .isNotNull();
        }
        assertThat(only(events, "PATCH", "/admin/v1/budgets/" + budget).getBefore())
                .contains("\"amount_micros\":5000000");
        assertThat(only(events, "PUT", "/admin/v1/evaluators/" + evaluator).getBefore()).contains("please")
                .doesNotContain("thanks");
        assertThat(only(events, "PATCH", "/admin/v1/alert-rules/" + rule).getBefore()).contains("\"for\":\"30s\"");
        assertThat(only(events, "POST", "/admin/v1/silences/" + silence + "/expire").getBefore())
                .contains("\"ends_at\":\"2999-01-01T00:00:00Z\"");
        AdminAuditEvent disable = only(events, "POST", "/admin/v1/endpoints/" + endpoint + "/disable");
        assertThat(disable.getResourceType()).isEqualTo("endpoints");
        assertThat(disable.getResourceId()).isEqualTo(endpoint);
        assertThat(disable.getAction()).isEqualTo("disable");
        assertThat(disable.getBefore()).contains("\"status\":\"ready\"");
        assertThat(disable.getAfter()).contains("\"status\":\"disabled\"");
    }

    @Test
    void namesTheCredentialThatMadeTheChange() {
        String name = "ci-job-" + run;
        String token = admin().body("{\"name\":\"" + name + "\",\"role\":\"admin\"}").post("/admin/v1/credentials")
                .then().statusCode(201).extract().path("token");
        String org = "audit-by-" + run;

        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body("{\"id\":\"" + org + "\",\"name\":\"By CI\"}").post("/admin/v1/orgs").then().statusCode(201);

        ConsumerRecord<String, Object> record = audit.await(r -> r.value() instanceof AdminAuditEvent e
                && org.equals(e.getResourceId()), Duration.ofSeconds(10));
        assertThat(record).isNotNull();
        AdminAuditEvent event = (AdminAuditEvent) record.value();
        assertThat(event.getCredentialName()).isEqualTo(name);
        assertThat(event.getCredentialId()).startsWith("cred_");
        assertThat(event.getAction()).isEqualTo("create");
        assertThat(record.key()).isEqualTo("orgs/" + org);
    }

    /**
     * The audit events of this test's calls (by their x-request-id): as soon as {@code count} are read, then whatever
     * else arrives within a second, so that an extra event (for a read, or a refused change) is seen too.
     */
    private List<AdminAuditEvent> awaitEvents(int count) {
        Predicate<ConsumerRecord<String, Object>> ours = r -> r.value() instanceof AdminAuditEvent e
                && e.getRequestId() != null && e.getRequestId().startsWith("audit-" + run);
        List<ConsumerRecord<String, Object>> records = new ArrayList<>(audit.awaitAll(ours, count,
                Duration.ofSeconds(15)));
        records.addAll(audit.awaitAll(ours, 1, Duration.ofSeconds(1)));
        return records.stream().map(r -> (AdminAuditEvent) r.value()).toList();
    }

    /** Each (method, path) of this test's calls is made once, so it names the change. */
    private static boolean matches(AdminAuditEvent e, String[] change) {
        return e.getMethod().equals(change[0]) && e.getPath().equals(change[1]);
    }

    private static AdminAuditEvent only(List<AdminAuditEvent> events, String method, String path) {
        return events.stream().filter(e -> e.getMethod().equals(method) && e.getPath().equals(path)
                && (!path.equals("/admin/v1/keys") || e.getResourceId() != null)).reduce((a, b) -> b).orElseThrow();
    }

    private String[] call(String method, String path, String body, int status) {
        RequestSpecification spec = admin();
        if (body != null) {
            spec = spec.body(body);
        }
        String id = spec.request(method, path).then().statusCode(status).extract().path("id");
        return new String[] {method, path, id};
    }

    /** An admin call with its own x-request-id, by which the audit events of this test are found. */
    private RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).header("x-request-id", "audit-" + run + "-"
                + UUID.randomUUID()).contentType(ContentType.JSON);
    }
}
