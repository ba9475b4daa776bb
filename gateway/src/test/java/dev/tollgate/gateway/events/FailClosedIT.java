package dev.tollgate.gateway.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.gateway.SimulatorScrape;
import dev.tollgate.gateway.observability.EventBacklogReadiness;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

/**
 * Fail-closed billing safety with a buffer of six events (two requests' worth): with Kafka stopped, the third
 * request is refused with 503 {@code events_unavailable} before the upstream is called, readiness is DOWN, and
 * both recover once the broker is back and the backlog drained.
 */
@QuarkusTest
@TestProfile(FailClosedIT.TinyEventBuffer.class)
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class FailClosedIT {

    private static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";

    /**
     * Six events of buffer; readiness DOWN above three. No alerting signals: their periodic reports share the buffer
     * and would fill these six slots on their own while Kafka is stopped.
     */
    public static class TinyEventBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tollgate.events.buffer-capacity", "6", "tollgate.events.readiness-high-water", "0.5",
                    "tollgate.signals.enabled", "false");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    EventPublisher publisher;
    @Inject
    @Readiness
    EventBacklogReadiness readiness;
    @TestHTTPResource(value = "/health/ready", management = true)
    URI ready;

    @Test
    void refusesNewRequestsBeforeTheUpstreamWhenTheBufferIsFullAndRecoversWhenKafkaReturns() throws Exception {
        KafkaBroker kafka = SharedInfra.kafka();
        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        ok();
        assertThat(publisher.awaitDrained(Duration.ofSeconds(30))).isTrue();
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        kafka.stop();
        try {
            ok();
            ok();
            // the events are queued just after the answer's last byte, so the client may see it a little earlier
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(publisher.backlog()).isEqualTo(6));
            HealthCheckResponse down = readiness.call();
            assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(down.getData().orElseThrow()).containsEntry("backlog", 6L);
            HttpResponse<String> probe = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(probe.statusCode()).as("readiness on the management port %s", ready).isEqualTo(503);
            assertThat(probe.body()).containsPattern("\"backlog\":\\s*6");
            double promptTokensBefore = upstreamPromptTokens();

            given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(chat())
                    .post("/v1/chat/completions").then().statusCode(503)
                    .body("error.code", equalTo("events_unavailable"))
                    .body("error.type", equalTo("server_error"))
                    .header("retry-after", "5");

            assertThat(upstreamPromptTokens()).as("the upstream never saw the refused request")
                    .isEqualTo(promptTokensBefore);
        } finally {
            kafka.start();
        }
        assertThat(publisher.awaitDrained(Duration.ofSeconds(90))).isTrue();
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        ok();
    }

    private static void ok() {
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON).body(chat())
                .post("/v1/chat/completions").then().statusCode(200);
    }

    private static double upstreamPromptTokens() throws Exception {
        return SimulatorScrape.sum(VllmSimulatorResource.simulator().baseUrl(), "vllm:prompt_tokens_total");
    }

    private static String chat() {
        return "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }
}
