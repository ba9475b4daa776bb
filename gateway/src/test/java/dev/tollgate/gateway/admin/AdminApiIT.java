package dev.tollgate.gateway.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;

import dev.tollgate.gateway.StubUpstream;
import dev.tollgate.gateway.sync.AdminStateReadiness;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API against real PostgreSQL, a real broker, the real registry and a vLLM simulator. A replica
 * applies even its own admin changes only by following the compacted topics (it does not apply them locally),
 * so the time from an answered admin call to the change taking effect here is the propagation time every
 * replica sees. {@code sync.AdminStateTopicIT} also writes the topic directly, as another replica's admin would.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
public class AdminApiIT {

    static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    public static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(AdminApiIT.class);
    private static VllmSimulator second;

    @BeforeAll
    static void startSecondSimulator() {
        second = VllmSimulator.start(SimulatorConfig.defaults().withPort(0).withServedModelNames("admin-model-a",
                "admin-model-b", "admin-model-c", "env-model").withOutputTokens(4).withEventLoops(1));
    }

    @AfterAll
    static void stopSecondSimulator() {
        if (second != null) {
            second.close();
        }
    }

    @Inject
    @Readiness
    AdminStateReadiness readiness;

    @Test
    void reportsReadyOnceTheAdminStateSnapshotIsLoaded() {
        HealthCheckResponse check = readiness.call();

        assertThat(check.getName()).isEqualTo("admin-state");
        assertThat(check.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void rejectsMissingAndWrongAdminTokensInTheOpenAiShape() {
        given().get("/admin/v1/orgs").then().statusCode(401)
                .body("error.code", equalTo("invalid_admin_token")).body("error.type", equalTo("authentication_error"));
        given().header("Authorization", "Bearer wrong").get("/admin/v1/orgs").then().statusCode(401)
                .body("error.code", equalTo("invalid_admin_token"));
        given().header("Authorization", "Bearer " + ChatKey.BOOTSTRAP).get("/admin/v1/keys").then().statusCode(401);
        given().get("/admin/v1/no-such-thing").then().statusCode(401);
        admin().get("/admin/v1/no-such-thing").then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void aCreatedKeyWorksAndARevokedKeyGets401WithinOneSecond() {
        String org = createOrg();
        admin().body("{\"id\":\"" + org + "-team\",\"name\":\"Search\"}").post("/admin/v1/orgs/" + org + "/teams")
                .then().statusCode(201).body("org_id", equalTo(org));

        Response created = admin().body("{\"org_id\":\"" + org + "\",\"team_id\":\"" + org + "-team\","
                        + "\"allowed_models\":[\"" + VllmSimulatorResource.MODEL + "\"],\"rpm_limit\":600}")
                .post("/admin/v1/keys").then().statusCode(201)
                .body("key", containsString("tg_")).body("rpm_limit", equalTo(600)).body("tpm_limit", nullValue())
                .extract().response();
        String key = created.jsonPath().getString("key");
        String keyId = created.jsonPath().getString("id");

        Duration toWork = until(() -> chat(key, VllmSimulatorResource.MODEL).statusCode() == 200);
        chat(key, "some-other-model").then().statusCode(403).body("error.code", equalTo("model_not_allowed"));

        admin().post("/admin/v1/keys/" + keyId + "/revoke").then().statusCode(200)
                .body("revoked_at", notNullValue()).body("key", nullValue());
        Duration toRevoke = until(() -> chat(key, VllmSimulatorResource.MODEL).statusCode() == 401);

        chat(key, VllmSimulatorResource.MODEL).then().statusCode(401).body("error.code", equalTo("invalid_api_key"))
                .body("error.message", containsString("revoked"));
        LOG.infof("propagation measured create=%dms revoke=%dms", toWork.toMillis(), toRevoke.toMillis());
        assertThat(toWork).isLessThan(PROPAGATION_BOUND);
        assertThat(toRevoke).isLessThan(PROPAGATION_BOUND);
    }

    @Test
    void listsKeysWithoutTheKeyOrItsDigest() {
        String org = createOrg();
        String key = admin().body("{\"org_id\":\"" + org + "\",\"name\":\"ci\"}").post("/admin/v1/keys")
                .then().statusCode(201).extract().path("key");

        String listed = admin().queryParam("org_id", org).get("/admin/v1/keys").then().statusCode(200)
                .body("object", equalTo("list")).body("data.name", hasItem("ci")).extract().asString();

        assertThat(listed).doesNotContain(key).doesNotContain("digest").contains(key.substring(0, 12));
    }

    @Test
    void anExpiredKeyGets401SayingItExpired() {
        String org = createOrg();
        String key = admin().body("{\"org_id\":\"" + org + "\",\"expires_at\":\"" + Instant.now().plusSeconds(2) + "\"}")
                .post("/admin/v1/keys").then().statusCode(201).extract().path("key");
        until(() -> chat(key, VllmSimulatorResource.MODEL).statusCode() == 200);

        Duration expired = until(() -> chat(key, VllmSimulatorResource.MODEL).statusCode() == 401, Duration.ofSeconds(5));

        assertThat(expired).isLessThan(Duration.ofSeconds(5));
        chat(key, VllmSimulatorResource.MODEL).then().statusCode(401).body("error.code", equalTo("invalid_api_key"))
                .body("error.message", containsString("expired"));
    }

    @Test
    void aRegisteredEndpointServesItsModelWithinOneSecondAndStopsWhenDisabled() {
        String model = "admin-model-a";
        Response registered = admin().body("{\"model\":\"" + model + "\",\"base_url\":\"" + second.baseUrl() + "/\","
                        + "\"input_price_per_million_micros\":250000,\"output_price_per_million_micros\":750000,"
                        + "\"price_version\":2,\"max_context\":8192,\"upstream_api_key\":\"sk-upstream-secret-42\"}")
                .post("/admin/v1/endpoints").then().statusCode(201)
                .body("status", equalTo("ready")).body("environment", equalTo("production"))
                .body("base_url", equalTo(second.baseUrl())).body("has_upstream_api_key", equalTo(true))
                .extract().response();
        assertThat(registered.asString()).doesNotContain("sk-upstream-secret-42");
        String id = registered.jsonPath().getString("id");

        Duration toRoute = until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 200);
        chat(ChatKey.BOOTSTRAP, model).then().statusCode(200).body("model", equalTo(model));

        admin().post("/admin/v1/endpoints/" + id + "/disable").then().statusCode(200).body("status", equalTo("disabled"));
        Duration toStop = until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 404);
        chat(ChatKey.BOOTSTRAP, model).then().body("error.code", equalTo("model_not_found"));

        admin().post("/admin/v1/endpoints/" + id + "/enable").then().statusCode(200).body("status", equalTo("ready"));
        Duration toResume = until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 200);

        LOG.infof("propagation measured register=%dms disable=%dms enable=%dms", toRoute.toMillis(), toStop.toMillis(),
                toResume.toMillis());
        assertThat(toRoute).isLessThan(PROPAGATION_BOUND);
        assertThat(toStop).isLessThan(PROPAGATION_BOUND);
        assertThat(toResume).isLessThan(PROPAGATION_BOUND);
    }

    @Test
    void sendsTheEndpointsUpstreamApiKeyUpstreamAndNeverTheClientsKey() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (StubUpstream upstream = StubUpstream.recordingChatHeader("authorization", seen,
                completion("admin-model-auth"))) {
            admin().body("{\"model\":\"admin-model-auth\",\"base_url\":\"http://127.0.0.1:" + upstream.port()
                    + "\",\"upstream_api_key\":\"sk-forwarded-9\"}").post("/admin/v1/endpoints").then().statusCode(201);

            until(() -> chat(ChatKey.BOOTSTRAP, "admin-model-auth").statusCode() == 200);

            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo("Bearer sk-forwarded-9");
        }
    }

    @Test
    void continuesTheCallersTraceUpstreamAndStartsOneWhenTheCallerHasNone() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (StubUpstream upstream = StubUpstream.recordingChatHeader("traceparent", seen,
                completion("admin-model-trace"))) {
            admin().body("{\"model\":\"admin-model-trace\",\"base_url\":\"http://127.0.0.1:"
                    + upstream.port() + "\"}").post("/admin/v1/endpoints").then().statusCode(201);
            until(() -> chat(ChatKey.BOOTSTRAP, "admin-model-trace").statusCode() == 200);
            seen.clear();
            String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
            String callerSpan = "00f067aa0ba902b7";

            given().header("Authorization", "Bearer " + ChatKey.BOOTSTRAP)
                    .header("traceparent", "00-" + callerTrace + "-" + callerSpan + "-01")
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"admin-model-trace\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);
            String joined = seen.poll(5, TimeUnit.SECONDS);
            chat(ChatKey.BOOTSTRAP, "admin-model-trace").then().statusCode(200);
            String started = seen.poll(5, TimeUnit.SECONDS);

            assertThat(joined).matches("00-" + callerTrace + "-[0-9a-f]{16}-01")
                    .doesNotContain(callerSpan); // the gateway's own span is the upstream's parent
            assertThat(started).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").doesNotContain(callerTrace);
        }
    }

    @Test
    void aHostedProviderWithoutHealthIsCheckedThroughItsModelsListWithItsKeyAndStaysUp() throws Exception {
        BlockingQueue<String> probes = new LinkedBlockingQueue<>();
        try (StubUpstream provider = new StubUpstream(request -> {
            String auth = String.valueOf(request.getHeader("authorization"));
            if (!request.path().equals("/v1/chat/completions")) {
                probes.add(request.path() + " " + auth);
            }
            if (!auth.equals("Bearer sk-hosted-7")) {
                request.response().setStatusCode(401).end("{\"error\":{\"message\":\"no key\"}}");
            } else if (request.path().equals("/v1/models")) {
                request.response().putHeader("content-type", "application/json")
                        .end("{\"object\":\"list\",\"data\":[]}");
            } else if (request.path().equals("/v1/chat/completions")) {
                request.response().putHeader("content-type", "application/json").end(completion("hosted-model"));
            } else {
                request.response().setStatusCode(404).end();
            }
        })) {
            admin().body("{\"model\":\"hosted-model\",\"base_url\":\"http://127.0.0.1:" + provider.port()
                    + "\",\"upstream_api_key\":\"sk-hosted-7\"}").post("/admin/v1/endpoints").then().statusCode(201);
            until(() -> chat(ChatKey.BOOTSTRAP, "hosted-model").statusCode() == 200);

            Thread.sleep(1_500); // five health intervals of the test profile: a failing probe would have taken it out

            chat(ChatKey.BOOTSTRAP, "hosted-model").then().statusCode(200);
            assertThat(probes).isNotEmpty().allMatch(p -> p.equals("/v1/models Bearer sk-hosted-7"), "probe with key");
        }
    }

    @Test
    void aServerWhoseHealthAnswers404IsCheckedThroughItsModelsListFromThenOn() throws Exception {
        BlockingQueue<String> probes = new LinkedBlockingQueue<>();
        try (StubUpstream ollamaLike = new StubUpstream(request -> {
            if (!request.path().equals("/v1/chat/completions")) {
                probes.add(request.path());
            }
            switch (request.path()) {
                case "/v1/models" -> request.response().end("{\"object\":\"list\",\"data\":[]}");
                case "/v1/chat/completions" -> request.response().putHeader("content-type", "application/json")
                        .end(completion("ollama-model"));
                default -> request.response().setStatusCode(404).end();
            }
        })) {
            admin().body("{\"model\":\"ollama-model\",\"base_url\":\"http://127.0.0.1:" + ollamaLike.port()
                    + "\"}").post("/admin/v1/endpoints").then().statusCode(201);
            until(() -> chat(ChatKey.BOOTSTRAP, "ollama-model").statusCode() == 200);

            Thread.sleep(1_500);

            chat(ChatKey.BOOTSTRAP, "ollama-model").then().statusCode(200);
            assertThat(probes).contains("/health", "/v1/models");
            assertThat(probes.stream().filter("/health"::equals).count()).as("probes: %s", probes).isEqualTo(1);
        }
    }

    private static String completion(String model) {
        return "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    }

    @Test
    void drainingAndDeregisteringStopNewRequests() {
        String model = "admin-model-b";
        String id = admin().body("{\"model\":\"" + model + "\",\"base_url\":\"" + second.baseUrl() + "\"}")
                .post("/admin/v1/endpoints").then().statusCode(201).extract().path("id");
        until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 200);

        admin().post("/admin/v1/endpoints/" + id + "/drain").then().statusCode(200).body("status", equalTo("draining"));
        assertThat(until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 404)).isLessThan(PROPAGATION_BOUND);

        admin().post("/admin/v1/endpoints/" + id + "/enable").then().statusCode(200);
        until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 200);
        admin().delete("/admin/v1/endpoints/" + id).then().statusCode(200).body("id", equalTo(id));
        assertThat(until(() -> chat(ChatKey.BOOTSTRAP, model).statusCode() == 404)).isLessThan(PROPAGATION_BOUND);
        admin().delete("/admin/v1/endpoints/" + id).then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void routesEachRequestToItsEnvironmentChosenByHeaderOrByKey() {
        admin().body("{\"model\":\"env-model\",\"environment\":\"staging\",\"base_url\":\"" + second.baseUrl() + "\"}")
                .post("/admin/v1/endpoints").then().statusCode(oneOf(201, 409));
        String org = createOrg();
        String stagingKey = admin().body("{\"org_id\":\"" + org + "\",\"environment\":\"staging\"}")
                .post("/admin/v1/keys").then().statusCode(201).body("environment", equalTo("staging")).extract().path("key");
        until(() -> chat(stagingKey, "env-model").statusCode() == 200);

        chat(ChatKey.BOOTSTRAP, "env-model").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().header("Authorization", "Bearer " + ChatKey.BOOTSTRAP).header("x-tollgate-environment", "staging")
                .contentType(ContentType.JSON).body("{\"model\":\"env-model\",\"max_tokens\":4,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions").then().statusCode(200);
        given().header("Authorization", "Bearer " + stagingKey).header("x-tollgate-environment", "production")
                .contentType(ContentType.JSON).body("{\"model\":\"env-model\",\"max_tokens\":4,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions").then().statusCode(403)
                .body("error.code", equalTo("environment_not_allowed"));
        admin().body("{\"org_id\":\"" + org + "\",\"environment\":\"qa\"}").post("/admin/v1/keys").then().statusCode(400)
                .body("error.param", equalTo("environment"));
    }

    @Test
    void aKeyLimitedToProductionGets403ForStagingUntilAnAdminAllowsIt() {
        // The same staging endpoint as routesEachRequestToItsEnvironmentChosenByHeaderOrByKey: 409 once it exists.
        admin().body("{\"model\":\"env-model\",\"environment\":\"staging\",\"base_url\":\"" + second.baseUrl()
                + "\"}").post("/admin/v1/endpoints").then().statusCode(oneOf(201, 409));
        String org = createOrg();
        Response created = admin().body("{\"org_id\":\"" + org + "\",\"allowed_environments\":[\"production\"]}")
                .post("/admin/v1/keys");
        created.then().statusCode(201).body("allowed_environments", contains("production"));
        String key = created.path("key");
        until(() -> chat(key, VllmSimulatorResource.MODEL).statusCode() == 200);

        staging(key).then().statusCode(403).body("error.code", equalTo("environment_not_allowed"))
                .body("error.type", equalTo("permission_error")).body("error.param", equalTo("x-tollgate-environment"));
        given().header("Authorization", "Bearer " + key).header("x-tollgate-environment", "staging").get("/v1/models")
                .then().statusCode(403).body("error.code", equalTo("environment_not_allowed"));

        admin().body("{\"allowed_environments\":[\"production\",\"staging\"]}")
                .post("/admin/v1/keys/" + created.path("id") + "/environments").then().statusCode(200)
                .body("allowed_environments", contains("production", "staging"));
        assertThat(until(() -> staging(key).statusCode() == 200)).isLessThan(PROPAGATION_BOUND);
        admin().body("{\"allowed_environments\":[\"staging\"]}").post("/admin/v1/keys/" + created.path("id")
                + "/environments").then().statusCode(400).body("error.param", equalTo("allowed_environments"));
        admin().body("{\"org_id\":\"" + org + "\",\"allowed_environments\":[\"qa\"]}").post("/admin/v1/keys")
                .then().statusCode(400).body("error.param", equalTo("allowed_environments"));
    }

    private static Response staging(String key) {
        return given().header("Authorization", "Bearer " + key).header("x-tollgate-environment", "staging")
                .contentType(ContentType.JSON).body("{\"model\":\"env-model\",\"max_tokens\":4,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/v1/chat/completions");
    }

    @Test
    void listsEachEndpointWithThisReplicasLiveHealth() {
        String model = "admin-model-health";
        admin().body("{\"id\":\"health-live-1\",\"model\":\"" + model + "\",\"base_url\":\"" + second.baseUrl()
                + "\"}").post("/admin/v1/endpoints").then().statusCode(201);
        admin().body("{\"id\":\"health-staging-1\",\"model\":\"" + model + "\",\"environment\":\"staging\","
                + "\"base_url\":\"http://10.0.0.8:8000\"}").post("/admin/v1/endpoints").then().statusCode(201);
        until(() -> Boolean.TRUE.equals(admin().queryParam("model", model).get("/admin/v1/endpoints").jsonPath()
                .get("data.find { it.id == 'health-live-1' }.health.routable")));

        admin().queryParam("model", model).get("/admin/v1/endpoints").then().statusCode(200)
                .body("data.find { it.id == 'health-live-1' }.health.up", equalTo(true))
                .body("data.find { it.id == 'health-live-1' }.health.breaker", equalTo("closed"))
                .body("data.find { it.id == 'health-live-1' }.health.outstanding", equalTo(0))
                .body("data.find { it.id == 'health-live-1' }.health.routable", equalTo(true))
                .body("data.find { it.id == 'health-staging-1' }.health", notNullValue())
                .body("data.find { it.id == 'health-staging-1' }.environment", equalTo("staging"));
    }

    @Test
    void neverListsTheUpstreamApiKey() {
        admin().body("{\"model\":\"admin-model-c\",\"environment\":\"staging\",\"base_url\":\"http://10.0.0.9:8000\","
                + "\"upstream_api_key\":\"sk-listed-never-77\"}").post("/admin/v1/endpoints").then().statusCode(201);

        String listed = admin().queryParam("model", "admin-model-c").get("/admin/v1/endpoints").then().statusCode(200)
                .body("data[0].has_upstream_api_key", equalTo(true)).body("data[0].environment", equalTo("staging"))
                .extract().asString();

        assertThat(listed).doesNotContain("sk-listed-never-77").doesNotContain("\"upstream_api_key\"");
    }

    @Test
    void answersADuplicateEndpointWith409() {
        String body = "{\"model\":\"dup-model\",\"environment\":\"development\",\"base_url\":\"http://10.0.0.1:8000\"}";
        admin().body(body).post("/admin/v1/endpoints").then().statusCode(201);

        admin().body(body.replace("8000\"", "8000/\"")).post("/admin/v1/endpoints").then().statusCode(409)
                .body("error.code", equalTo("conflict")).body("error.param", equalTo("base_url"));
        admin().body(body.replace("development", "staging")).post("/admin/v1/endpoints").then().statusCode(201);
    }

    @Test
    void answersInvalidInputWith400NamingTheField() {
        admin().body("{\"model\":\"m\",\"base_url\":\"ftp://x\"}").post("/admin/v1/endpoints").then().statusCode(400)
                .body("error.param", equalTo("base_url")).body("error.type", equalTo("invalid_request_error"));
        admin().body("{\"model\":\"m\",\"base_url\":\"http://x:1\",\"environment\":\"prod\"}").post("/admin/v1/endpoints")
                .then().statusCode(400).body("error.param", equalTo("environment"));
        admin().body("{\"model\":\"m\",\"base_url\":\"http://x:1\",\"input_price_per_million_micros\":-1}")
                .post("/admin/v1/endpoints").then().statusCode(400).body("error.param", equalTo("input_price_per_million_micros"));
        admin().body("{\"org_id\":\"x\",\"tpm_limit\":0}").post("/admin/v1/keys").then().statusCode(400)
                .body("error.param", equalTo("tpm_limit"));
        admin().body("{\"id\":").post("/admin/v1/orgs").then().statusCode(400).body("error.code", equalTo("invalid_json"));
    }

    @Test
    void answersUnknownIdsWith404AndATakenOrgIdWith409() {
        String org = createOrg();
        admin().body("{\"id\":\"" + org + "\"}").post("/admin/v1/orgs").then().statusCode(409)
                .body("error.code", equalTo("conflict")).body("error.param", equalTo("id"));
        admin().get("/admin/v1/orgs").then().statusCode(200).body("data.id", hasItem(org));
        admin().body("{\"id\":\"t\"}").post("/admin/v1/orgs/no-such-org/teams").then().statusCode(404);
        admin().body("{\"org_id\":\"no-such-org\"}").post("/admin/v1/keys").then().statusCode(404)
                .body("error.param", equalTo("org_id"));
        admin().body("{\"org_id\":\"" + org + "\",\"team_id\":\"no-such-team\"}").post("/admin/v1/keys").then()
                .statusCode(404).body("error.param", equalTo("team_id"));
        admin().post("/admin/v1/keys/key_nope/revoke").then().statusCode(404).body("error.code", equalTo("not_found"));
        admin().post("/admin/v1/endpoints/ep_nope/disable").then().statusCode(404);
    }

    static String createOrg() {
        String org = "org-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"id\":\"" + org + "\",\"name\":\"Org " + org + "\"}").post("/admin/v1/orgs")
                .then().statusCode(201).body("id", equalTo(org));
        return org;
    }

    static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    public static Response chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    /** Polls {@code condition} every few milliseconds; returns how long it took to hold (fails after 5 s). */
    public static Duration until(java.util.function.BooleanSupplier condition) {
        return until(condition, Duration.ofSeconds(5));
    }

    public static Duration until(java.util.function.BooleanSupplier condition, Duration timeout) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("condition did not hold within " + timeout);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** The bootstrap key from the test profile; it may use every model. */
    public static final class ChatKey {
        public static final String BOOTSTRAP = "tg_it_bootstrap_key_0123456789abcdef";

        private ChatKey() {
        }
    }
}
