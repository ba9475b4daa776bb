package dev.tollgate.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.gateway.auth.KeyLimits;
import dev.tollgate.gateway.auth.KeyStore;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.gateway.routing.Environment;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/models}: authenticated, in OpenAI's list shape, and limited to the models the key may use. */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class ModelsListIT {

    static final String MODEL = VllmSimulatorResource.MODEL;

    @Inject
    KeyStore keys;

    @Test
    void listsRegisteredModelsInTheOpenAiShape() {
        JsonPath list = given().header("Authorization", "Bearer " + ChatCompletionsIT.KEY).get("/v1/models")
                .then().statusCode(200).header("x-request-id", org.hamcrest.Matchers.notNullValue())
                .body("object", equalTo("list")).extract().jsonPath();

        List<Map<String, Object>> data = list.getList("data");
        Map<String, Object> sim = data.stream().filter(m -> MODEL.equals(m.get("id"))).findFirst().orElseThrow();
        assertThat(sim).containsEntry("object", "model").containsEntry("owned_by", "tollgate")
                .containsKey("created");
        assertThat(((Number) sim.get("created")).longValue()).isPositive();
    }

    @Test
    void listsOnlyTheRegisteredModelsARestrictedKeyMayUse() {
        String key = "tg_it_models_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("models-" + UUID.randomUUID(), "it-org", null,
                Set.of(MODEL, "allowed-but-not-registered")));

        List<String> ids = given().header("api-key", key).get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id", String.class);

        assertThat(ids).containsExactly(MODEL);
    }

    @Test
    void listsNothingForAKeyWhoseModelsAreNotServed() {
        String key = "tg_it_models_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("models-" + UUID.randomUUID(), "it-org", null, Set.of("some-other-model")));

        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list")).body("data.size()", equalTo(0));
    }

    @Test
    void listsOnlyTheModelsOfTheRequestsEnvironmentChosenByHeaderOrByKey() {
        String stagingKey = "tg_it_models_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(stagingKey, new Principal("models-" + UUID.randomUUID(), "it-org", null, Set.of(),
                KeyLimits.UNLIMITED, Environment.STAGING));

        List<String> forStagingKey = given().header("Authorization", "Bearer " + stagingKey).get("/v1/models")
                .then().statusCode(200).extract().jsonPath().getList("data.id", String.class);
        List<String> forStagingHeader = given().header("Authorization", "Bearer " + ChatCompletionsIT.KEY)
                .header("x-tollgate-environment", "staging").get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id", String.class);
        List<String> forProductionHeader = given().header("Authorization", "Bearer " + stagingKey)
                .header("x-tollgate-environment", "production").get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id", String.class);

        assertThat(forStagingKey).as("the bootstrap endpoint serves production only").doesNotContain(MODEL);
        assertThat(forStagingHeader).doesNotContain(MODEL);
        assertThat(forProductionHeader).contains(MODEL);
        given().header("Authorization", "Bearer " + stagingKey).header("x-tollgate-environment", "qa")
                .get("/v1/models").then().statusCode(400).body("error.param", equalTo("x-tollgate-environment"));
    }

    @Test
    void refusesAMissingOrUnknownKey() {
        given().get("/v1/models").then().statusCode(401).body("error.code", equalTo("missing_api_key"));
        given().header("Authorization", "Bearer tg_wrong").get("/v1/models").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"));
        given().header("Authorization", "Bearer " + ChatCompletionsIT.KEY).post("/v1/models").then()
                .statusCode(405).body("error.code", equalTo("method_not_allowed"));
    }
}
