package dev.tollgate.gateway.redaction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.gateway.events.EventTopics;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Captured content reaches Kafka redacted, against the real broker, registry, PostgreSQL and simulator. Requests of
 * an eval run are captured whatever their org's setting, which is what these tests use to turn capture on.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class RedactionIT {

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final String PROMPT = "Mail jane.doe@example.com the card 4111 1111 1111 1111";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    @Test
    void capturedPromptsAreRedactedBeforeTheyReachKafkaAndAnOrgMayTurnItOff() {
        String org = "redact-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"id\":\"" + org + "\"}").post("/admin/v1/orgs").then().statusCode(201);
        String key = admin().body("{\"org_id\":\"" + org + "\"}").post("/admin/v1/keys").then().statusCode(201)
                .extract().path("key");
        String redactedRun = "run-" + UUID.randomUUID();
        awaitStatus(key, redactedRun, 200);

        admin().body("{\"redaction_enabled\":false}").put("/admin/v1/policies/org/" + org).then().statusCode(200);
        String rawRun = "run-" + UUID.randomUUID();
        try (EventTopics topics = new EventTopics(bootstrap, registry, List.of(Topics.REQUESTS))) {
            RequestEvent redacted = runEvent(topics, redactedRun);
            assertThat(redacted.getContent().getInputMessages().get(0).getContent())
                    .isEqualTo("Mail [EMAIL] the card [CARD]");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            RequestEvent raw;
            do { // the policy reaches this replica through Kafka: repeat until a request is captured as sent
                String run = rawRun + "-" + System.nanoTime();
                chat(key, run).then().statusCode(200);
                raw = runEvent(topics, run);
            } while (!raw.getContent().getInputMessages().get(0).getContent().equals(PROMPT)
                    && System.nanoTime() < deadline);
            assertThat(raw.getContent().getInputMessages().get(0).getContent()).isEqualTo(PROMPT);
        }
    }

    private static RequestEvent runEvent(EventTopics topics, String run) {
        return (RequestEvent) topics.await(r -> r.value() instanceof RequestEvent e && e.getEval() != null
                && run.equals(e.getEval().getRunId()), 1, Duration.ofSeconds(15)).get(0).value();
    }

    private static void awaitStatus(String key, String run, int status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (chat(key, run).statusCode() != status && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private static io.restassured.response.Response chat(String key, String run) {
        return given().header("Authorization", "Bearer " + key).header("x-tollgate-eval-run", run)
                .contentType(ContentType.JSON).body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\","
                        + "\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}")
                .post("/v1/chat/completions");
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }
}
