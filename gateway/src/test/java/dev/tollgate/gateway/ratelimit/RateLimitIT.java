package dev.tollgate.gateway.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.tollgate.events.v1.RequestStatus;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.UsageTopic;
import dev.tollgate.gateway.auth.KeyStore;
import dev.tollgate.gateway.auth.Principal;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Rate limits end to end: a real gateway, the simulator upstream, usage events read back from the real broker. */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
class RateLimitIT {

    @Inject
    KeyStore keys;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;

    @Test
    void answers429WithRetryAfterAndHeadersOnceTheKeysRequestsPerMinuteAreUsed() {
        String key = "tg_it_limited_" + UUID.randomUUID().toString().replace("-", "");
        String keyId = "limited-" + UUID.randomUUID();
        keys.add(key, new Principal(keyId, "limits-org", null, Set.of(), 2L, 100_000L));

        for (int i = 0; i < 2; i++) {
            given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(chat())
                    .post("/v1/chat/completions").then().statusCode(200)
                    .header("x-ratelimit-limit-requests", "2")
                    .header("x-ratelimit-remaining-requests", String.valueOf(1 - i))
                    .header("x-ratelimit-limit-tokens", "100000")
                    .header("x-ratelimit-reset-tokens", containsString("ms"));
        }
        String requestId = UUID.randomUUID().toString();
        Response refused = given().header("Authorization", "Bearer " + key).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(chat()).post("/v1/chat/completions").then().statusCode(429)
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.type", equalTo("requests"))
                .body("error.message", containsString("API key " + keyId))
                .body("error.message", containsString("requests per min (RPM)"))
                .header("x-ratelimit-remaining-requests", "0")
                .header("x-ratelimit-reset-requests", "1m0s")
                .extract().response();

        long retryAfter = Long.parseLong(refused.header("retry-after"));
        assertThat(retryAfter).isBetween(1L, 30L);
        try (UsageTopic usage = new UsageTopic(bootstrap, registry)) {
            List<UsageEvent> events = usage.await(e -> e.getRequestId().equals(requestId), 1, Duration.ofSeconds(15));
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getStatus()).isEqualTo(RequestStatus.REJECTED);
            assertThat(events.get(0).getHttpStatus()).isEqualTo(429);
            assertThat(events.get(0).getErrorCode()).isEqualTo("rate_limit_exceeded");
            assertThat(events.get(0).getCostMicros()).isZero();
        }
    }

    @Test
    void refusesARequestWhoseMaxTokensExceedTheKeysTokensPerMinute() {
        String key = "tg_it_tpm_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("tpm-" + UUID.randomUUID(), "limits-org", null, Set.of(), null, 100L));

        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"max_tokens\":500,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(429)
                .body("error.type", equalTo("tokens"))
                .body("error.message", containsString("tokens per min (TPM)"))
                .header("x-ratelimit-limit-tokens", "100")
                .header("retry-after", notNullValue());
    }

    @Test
    void settlesTheUpFrontChargeWithTheTokensTheRequestReallyUsed() {
        String key = "tg_it_settle_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("settle-" + UUID.randomUUID(), "limits-org", null, Set.of(), null, 100L));

        Response first = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(chat())
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-ratelimit-remaining-tokens", "92").extract().response();
        long used = first.jsonPath().getLong("usage.total_tokens");
        Response second = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(chat())
                .post("/v1/chat/completions").then().statusCode(200).extract().response();

        // 100 − the first request's real total − the second one's charge of 8, plus what refilled meanwhile
        // (100 per minute: under 2 per second). Without settlement it would be 100 − 8 − 8.
        long remaining = Long.parseLong(second.header("x-ratelimit-remaining-tokens"));
        assertThat(used).isGreaterThan(12);
        assertThat(remaining).isBetween(100 - used - 8, 100 - used - 8 + 3);
    }

    @Test
    void quotesTheCurrentLimitsOnAMalformedRequestWithoutChargingIt() {
        String key = "tg_it_quote_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("quote-" + UUID.randomUUID(), "limits-org", null, Set.of(), 5L, null));

        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body("{\"model\": ")
                .post("/v1/chat/completions").then().statusCode(400)
                .header("x-ratelimit-limit-requests", "5").header("x-ratelimit-remaining-requests", "5");
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(chat())
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-ratelimit-remaining-requests", "4");
    }

    @Test
    void quotesTheKeysLimitsOnAnOversizedBodyAndOnTheModelList() {
        String key = "tg_it_quote_" + UUID.randomUUID().toString().replace("-", "");
        keys.add(key, new Principal("quote-" + UUID.randomUUID(), "limits-org", null, Set.of(), 7L, null));
        String oversized = "{\"model\":\"x\",\"pad\":\"" + "a".repeat(70_000) + "\"}"; // the test limit is 64 KiB

        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(oversized)
                .post("/v1/chat/completions").then().statusCode(413)
                .header("x-ratelimit-limit-requests", "7").header("x-ratelimit-remaining-requests", "7");
        given().header("Authorization", "Bearer " + key).get("/v1/models").then().statusCode(200)
                .header("x-ratelimit-limit-requests", "7").header("x-ratelimit-remaining-requests", "7");
    }

    private static String chat() {
        return "{\"model\":\"" + VllmSimulatorResource.MODEL + "\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }
}
