package dev.tollgate.gateway.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Named admin credentials (issue #24) against real PostgreSQL: stored hashed, revocable, and a read-only role that may
 * read every admin and console resource and change none.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class AdminCredentialsIT {

    /** Every read of the admin API and of the console's data, as the console and the CLI make them. */
    static final List<String> READS = List.of("/admin/v1/orgs", "/admin/v1/keys", "/admin/v1/endpoints",
            "/admin/v1/deployments", "/admin/v1/budgets", "/admin/v1/receivers", "/admin/v1/alert-rules",
            "/admin/v1/evaluators", "/admin/v1/datasets", "/admin/v1/eval-runs", "/admin/v1/eval-backfills",
            "/admin/v1/credentials", "/admin/v1/secrets", "/admin/v1/console/session", "/admin/v1/console/usage",
            "/admin/v1/policies/org/o");

    /** Every kind of change the admin API offers, with ids that need not exist: the role is checked first. */
    static final List<String[]> WRITES = List.of(new String[] {"POST", "/admin/v1/orgs"},
            new String[] {"POST", "/admin/v1/orgs/o/teams"}, new String[] {"POST", "/admin/v1/keys"},
            new String[] {"POST", "/admin/v1/keys/k/revoke"}, new String[] {"POST", "/admin/v1/keys/k/environments"},
            new String[] {"POST", "/admin/v1/endpoints"}, new String[] {"POST", "/admin/v1/endpoints/e/disable"},
            new String[] {"DELETE", "/admin/v1/endpoints/e"}, new String[] {"POST", "/admin/v1/budgets"},
            new String[] {"PATCH", "/admin/v1/budgets/b"}, new String[] {"DELETE", "/admin/v1/budgets/b"},
            new String[] {"POST", "/admin/v1/evaluators"}, new String[] {"PUT", "/admin/v1/evaluators/v"},
            new String[] {"POST", "/admin/v1/receivers"}, new String[] {"PATCH", "/admin/v1/receivers/r"},
            new String[] {"POST", "/admin/v1/alert-rules"}, new String[] {"DELETE", "/admin/v1/alert-rules/a"},
            new String[] {"POST", "/admin/v1/datasets"}, new String[] {"POST", "/admin/v1/datasets/d/examples"},
            new String[] {"POST", "/admin/v1/eval-runs"}, new String[] {"POST", "/admin/v1/eval-backfills"},
            new String[] {"POST", "/admin/v1/credentials"}, new String[] {"POST", "/admin/v1/credentials/c/revoke"},
            new String[] {"POST", "/admin/v1/secrets/rewrap"}, new String[] {"PUT", "/admin/v1/policies/org/o"},
            new String[] {"DELETE", "/admin/v1/policies/key/k"});

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;

    @Test
    void aReadOnlyCredentialReadsEveryAdminResourceAndChangesNone() {
        String token = create("console-" + UUID.randomUUID(), "read_only");

        for (String path : READS) {
            int status = as(token).get(path).statusCode();
            assertThat(status).as("GET %s with a read-only credential", path).isNotIn(401, 403);
        }
        as(token).get("/admin/v1/console/session").then().statusCode(200).body("access", equalTo("read_only"));
        for (String[] write : WRITES) {
            as(token).body("{}").request(write[0], write[1]).then().statusCode(403)
                    .body("error.code", equalTo("read_only_token")).body("error.type", equalTo("permission_error"))
                    .body("error.param", nullValue());
        }
    }

    @Test
    void anAdminCredentialChangesStateAndIsNamedInTheConsoleSession() {
        String token = create("ci-" + UUID.randomUUID(), "admin");
        String org = "cred-org-" + UUID.randomUUID().toString().substring(0, 8);

        as(token).body("{\"id\":\"" + org + "\",\"name\":\"Org\"}").post("/admin/v1/orgs").then().statusCode(201);
        as(token).get("/admin/v1/console/session").then().statusCode(200).body("access", equalTo("admin"));
    }

    @Test
    void aCredentialIsStoredHashedShownOnceAndARevokedOneIsRefused() throws Exception {
        String name = "revoked-" + UUID.randomUUID();
        Response created = master().body("{\"name\":\"" + name + "\",\"role\":\"read_only\"}")
                .post("/admin/v1/credentials");
        created.then().statusCode(201).body("token", startsWith("tgadm_")).body("role", equalTo("read_only"))
                .body("created_by", equalTo("master"));
        String token = created.path("token");
        String id = created.path("id");

        assertThat(master().get("/admin/v1/credentials").asString()).contains(id).doesNotContain(token);
        try (Connection db = DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
             PreparedStatement row = db.prepareStatement("select c::text from admin_credentials c where id = ?")) {
            row.setString(1, id);
            try (ResultSet rs = row.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).doesNotContain(token).contains(token.substring(0, 14));
            }
        }
        as(token).get("/admin/v1/orgs").then().statusCode(200);

        master().post("/admin/v1/credentials/" + id + "/revoke").then().statusCode(200)
                .body("revoked_at", org.hamcrest.Matchers.notNullValue());

        as(token).get("/admin/v1/orgs").then().statusCode(401).body("error.code", equalTo("invalid_admin_token"));
        as(token.substring(0, 20) + "x").get("/admin/v1/orgs").then().statusCode(401);
    }

    @Test
    void refusesACredentialWithoutANameOrWithAnUnknownRole() {
        master().body("{\"role\":\"read_only\"}").post("/admin/v1/credentials").then().statusCode(400)
                .body("error.param", equalTo("name"));
        master().body("{\"name\":\"x\",\"role\":\"superuser\"}").post("/admin/v1/credentials").then().statusCode(400)
                .body("error.param", equalTo("role"));
    }

    private static String create(String name, String role) {
        return master().body("{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}").post("/admin/v1/credentials")
                .then().statusCode(201).extract().path("token");
    }

    private static io.restassured.specification.RequestSpecification master() {
        return as("it-admin-token-0123456789");
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }
}
