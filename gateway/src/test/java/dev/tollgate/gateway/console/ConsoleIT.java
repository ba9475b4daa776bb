package dev.tollgate.gateway.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.tollgate.gateway.admin.AdminApiIT;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console's server side against the real broker, registry and PostgreSQL: the read-only token, the page and its
 * headers, the live feed fed from {@code tollgate.usage.v1}, and deployment status. (The page itself is driven in
 * headless Chromium by {@code e2e/OperatorToolsIT}.)
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ConsoleIT {

    static final String READ_ONLY = "it-read-only-token-0123456789";
    static final String ADMIN = "it-admin-token-0123456789";

    @TestHTTPResource("/")
    URI base;

    static io.restassured.specification.RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    @Test
    void theReadOnlyTokenReadsTheAdminApiButCannotChangeAnything() {
        given().header("Authorization", "Bearer " + READ_ONLY).get("/admin/v1/orgs").then().statusCode(200);
        given().header("Authorization", "Bearer " + READ_ONLY).contentType("application/json")
                .body("{\"id\":\"read-only-org\"}").post("/admin/v1/orgs").then().statusCode(403)
                .body("error.code", equalTo("read_only_token")).body("error.type", equalTo("permission_error"));
        given().header("Authorization", "Bearer " + READ_ONLY).get("/admin/v1/console/session").then().statusCode(200)
                .body("access", equalTo("read_only")).body("feed", equalTo(true));
        admin().get("/admin/v1/console/session").then().statusCode(200).body("access", equalTo("admin"));
        given().get("/admin/v1/console/session").then().statusCode(401).body("error.code", equalTo("invalid_admin_token"));
    }

    @Test
    void servesThePageAndItsChartLibraryWithoutATokenAndForbidsFramingAndForeignScripts() {
        given().get("/console/").then().statusCode(200).body(containsString("Tollgate console"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Frame-Options", equalTo("DENY"));
        given().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
        given().get("/console/console.js").then().statusCode(200).body(containsString("/admin/v1/console/live"));
    }

    @Test
    void chartsAlertsAndEvalComparisonsAnswer503NamingTheSettingWhenNoStreamsAppIsConfigured() {
        admin().queryParam("org", "it-org").get("/admin/v1/console/usage").then().statusCode(503)
                .body("error.code", equalTo("streams_unavailable"))
                .body("error.message", containsString("tollgate.console.streams-url"));
        admin().get("/admin/v1/console/budget-states/no such id").then().statusCode(400);
        admin().queryParam("state", "firing").get("/admin/v1/console/alerts").then().statusCode(503)
                .body("error.code", equalTo("streams_unavailable"));
        admin().queryParam("a_run", "a").queryParam("b_run", "b").get("/admin/v1/console/eval-compare").then()
                .statusCode(503).body("error.code", equalTo("streams_unavailable"));
    }

    @Test
    void theLiveFeedPushesEachRequestWithoutItsContent() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<InputStream> feed = http.send(HttpRequest.newBuilder(base.resolve("/admin/v1/console/live"))
                .header("Authorization", "Bearer " + READ_ONLY).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(feed.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(feed.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).as("the hello batch").startsWith("data:").contains("\"type\":\"hello\"");
            String requestId = "console-it-" + UUID.randomUUID();
            given().header("Authorization", "Bearer " + AdminApiIT.ChatKey.BOOTSTRAP).header("x-request-id", requestId)
                    .contentType("application/json").body("{\"model\":\"" + VllmSimulatorResource.MODEL
                            + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"secret prompt\"}]}")
                    .post("/v1/chat/completions").then().statusCode(200);

            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.contains(requestId)) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String line = seen.get(20, TimeUnit.SECONDS);
            assertThat(line).contains("\"type\":\"usage\"").contains("\"key_id\":\"it-key\"")
                    .contains("\"status\":\"OK\"").contains("\"cost_micros\"").doesNotContain("secret prompt");
        }
    }

    @Test
    void deploymentStatusListsConfiguredEndpointsWithTheirLiveHealth() {
        AdminApiIT.until(() -> Boolean.TRUE.equals(admin().queryParam("model", VllmSimulatorResource.MODEL)
                .get("/admin/v1/deployments").jsonPath().get("data[0].endpoints[0].health.routable")),
                Duration.ofSeconds(10));

        admin().queryParam("model", VllmSimulatorResource.MODEL).get("/admin/v1/deployments").then()
                .statusCode(200).body("data[0].object", equalTo("deployment"))
                .body("data[0].model", equalTo(VllmSimulatorResource.MODEL))
                .body("data[0].endpoints.source", hasItem("config"))
                .body("data[0].endpoints[0].health.breaker", equalTo("closed"));
        admin().queryParam("model", "no-such-model").get("/admin/v1/deployments").then().statusCode(200)
                .body("data.size()", equalTo(0));
    }
}
