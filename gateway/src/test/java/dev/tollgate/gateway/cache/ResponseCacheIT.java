package dev.tollgate.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.gateway.UsageTopic;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The response cache through the real gateway, against a real broker, registry, PostgreSQL and the vLLM simulator.
 * The simulator names each answer after the request id the gateway forwards, so a cached answer is recognisable: it
 * carries the id of the request that filled the cache, not its own.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class ResponseCacheIT {

    private static final String KEY = "tg_it_bootstrap_key_0123456789abcdef";
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";
    private static final String MODEL = VllmSimulatorResource.MODEL;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "tollgate.registry.url")
    String registry;
    private UsageTopic usage;

    @BeforeEach
    void subscribe() {
        usage = new UsageTopic(bootstrap, registry);
    }

    @AfterEach
    void close() {
        usage.close();
    }

    @Test
    void answersARepeatedRequestWithTheEndpointsBytesAndAUsageEventThatCostsNothing() {
        String prompt = UUID.randomUUID().toString();
        String first = "{\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]}";
        String reordered = "{ \"messages\": [ {\"content\": \"" + prompt + "\", \"role\": \"user\"} ],\n"
                + "  \"max_tokens\": 5, \"model\": \"" + MODEL + "\" }";
        String missId = UUID.randomUUID().toString();
        String hitId = UUID.randomUUID().toString();

        Response miss = chat(KEY, missId, "ttl=60", first);
        Response hit = chat(KEY, hitId, "ttl=60", reordered);

        miss.then().statusCode(200).header(CacheFront.STATUS_HEADER, "miss");
        hit.then().statusCode(200).header(CacheFront.STATUS_HEADER, "hit")
                .header("content-type", miss.header("content-type"));
        assertThat(hit.asByteArray()).isEqualTo(miss.asByteArray());
        assertThat(hit.asString()).contains(missId).doesNotContain(hitId);
        List<UsageEvent> events = new ArrayList<>(usage.await(e -> Set.of(missId, hitId).contains(e.getRequestId()),
                2, Duration.ofSeconds(15)));
        events.addAll(usage.await(e -> Set.of(missId, hitId).contains(e.getRequestId()), 1, Duration.ofSeconds(1)));
        assertThat(events).extracting(UsageEvent::getRequestId).containsExactlyInAnyOrder(missId, hitId);
        UsageEvent generated = events.stream().filter(e -> e.getRequestId().equals(missId)).findFirst().orElseThrow();
        UsageEvent served = events.stream().filter(e -> e.getRequestId().equals(hitId)).findFirst().orElseThrow();
        assertThat(generated.getCacheHit()).isFalse();
        assertThat(generated.getCostMicros()).isPositive();
        assertThat(served.getCacheHit()).isTrue();
        assertThat(served.getCostMicros()).isZero();
        assertThat(served.getCostSavedMicros()).isEqualTo(generated.getCostMicros());
        assertThat(served.getEndpointId()).isNull();
        assertThat(served.getTotalTokens()).isEqualTo(generated.getTotalTokens());
    }

    @Test
    void replaysACompletedStreamAsAStreamAndNeverAnswersAWholeRequestFromIt() {
        String prompt = UUID.randomUUID().toString();
        String streamBody = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":6,\"tollgate_cache\":\"on\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        String hitId = UUID.randomUUID().toString();

        Response miss = chat(KEY, UUID.randomUUID().toString(), null, streamBody);
        Response hit = chat(KEY, hitId, null, streamBody);
        Response whole = chat(KEY, UUID.randomUUID().toString(), null, streamBody.replace("\"stream\":true",
                "\"stream\":false"));

        miss.then().statusCode(200).header(CacheFront.STATUS_HEADER, "miss").contentType("text/event-stream");
        hit.then().statusCode(200).header(CacheFront.STATUS_HEADER, "hit").contentType("text/event-stream");
        assertThat(hit.asString()).isEqualTo(miss.asString()).contains("chat.completion.chunk")
                .endsWith("data: [DONE]\n\n");
        whole.then().statusCode(200).header(CacheFront.STATUS_HEADER, "miss").body("object",
                equalTo("chat.completion"));
        UsageEvent served = usage.exactlyOne(hitId);
        assertThat(served.getCacheHit()).isTrue();
        assertThat(served.getStreaming()).isTrue();
        assertThat(served.getCompletionTokens()).isPositive();
    }

    @Test
    void noStoreBypassesTheCacheAndNoCacheRefreshesIt() {
        String body = chatBody(UUID.randomUUID().toString(), "");
        String refreshId = UUID.randomUUID().toString();

        chat(KEY, UUID.randomUUID().toString(), "on", body).then().header(CacheFront.STATUS_HEADER, "miss");
        chat(KEY, UUID.randomUUID().toString(), "on, no-store", body).then()
                .header(CacheFront.STATUS_HEADER, "bypass");
        chat(KEY, refreshId, "on, no-cache", body).then().header(CacheFront.STATUS_HEADER, "refresh");
        Response after = chat(KEY, UUID.randomUUID().toString(), "on", body);

        after.then().header(CacheFront.STATUS_HEADER, "hit");
        assertThat(after.asString()).contains(refreshId); // the refreshed answer replaced the first one
    }

    @Test
    void anOrgPolicyCachesOnlyDeterministicRequestsAndNoOtherOrgReadsTheirEntries() {
        String orgA = createOrg();
        String orgB = createOrg();
        String keyA = createKey(orgA, null);
        String keyB = createKey(orgB, null);
        admin().body("{\"cache_enabled\":true,\"cache_ttl\":\"10m\"}").put("/admin/v1/policies/org/" + orgA)
                .then().statusCode(200).body("cache_enabled", equalTo(true)).body("cache_ttl_seconds", equalTo(600));
        String deterministic = chatBody(UUID.randomUUID().toString(), ",\"temperature\":0");
        String missId = UUID.randomUUID().toString();

        await(() -> chat(keyA, missId, null, deterministic).header(CacheFront.STATUS_HEADER), "miss");
        chat(keyA, UUID.randomUUID().toString(), null, deterministic).then()
                .header(CacheFront.STATUS_HEADER, "hit");
        chat(keyA, UUID.randomUUID().toString(), null, chatBody(UUID.randomUUID().toString(), "")).then()
                .statusCode(200).header(CacheFront.STATUS_HEADER, "ineligible");
        Response other = chat(keyB, UUID.randomUUID().toString(), "on", deterministic);

        other.then().statusCode(200).header(CacheFront.STATUS_HEADER, "miss");
        assertThat(other.asString()).doesNotContain(missId);
        admin().delete("/admin/v1/policies/org/" + orgA).then().statusCode(200);
        await(() -> String.valueOf(chat(keyA, UUID.randomUUID().toString(), null, deterministic)
                .header(CacheFront.STATUS_HEADER)), "null");
    }

    @Test
    void aHitCountsAgainstTheRateLimitLikeAnyRequest() {
        String org = createOrg();
        String key = createKey(org, 3L);
        String body = chatBody(UUID.randomUUID().toString(), "");
        await(() -> String.valueOf(chat(key, UUID.randomUUID().toString(), "on", body).statusCode()), "200");

        chat(key, UUID.randomUUID().toString(), "on", body).then().statusCode(200)
                .header(CacheFront.STATUS_HEADER, "hit");
        chat(key, UUID.randomUUID().toString(), "on", body).then().statusCode(200)
                .header(CacheFront.STATUS_HEADER, "hit");
        chat(key, UUID.randomUUID().toString(), "on", body).then().statusCode(429);
    }

    @Test
    void rejectsAMalformedDirectiveWithTheOpenAiErrorShape() {
        chat(KEY, UUID.randomUUID().toString(), "forever", chatBody("x", "")).then().statusCode(400)
                .body("error.code", equalTo("invalid_request")).body("error.param", equalTo("x-tollgate-cache"));
        chat(KEY, UUID.randomUUID().toString(), null, chatBody("x", ",\"tollgate_cache\":42")).then().statusCode(400)
                .body("error.code", equalTo("invalid_request"));
    }

    private static String chatBody(String prompt, String extra) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]" + extra + "}";
    }

    private static Response chat(String key, String requestId, String directive, String body) {
        RequestSpecification spec = given().header("Authorization", "Bearer " + key).header("x-request-id", requestId)
                .contentType(ContentType.JSON).body(body);
        if (directive != null) {
            spec = spec.header(CacheDirective.HEADER, directive);
        }
        return spec.post("/v1/chat/completions");
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    private static String createOrg() {
        String org = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body("{\"id\":\"" + org + "\"}").post("/admin/v1/orgs").then().statusCode(201);
        return org;
    }

    private static String createKey(String org, Long rpm) {
        String limits = rpm == null ? "" : ",\"rpm_limit\":" + rpm;
        return admin().body("{\"org_id\":\"" + org + "\"" + limits + "}").post("/admin/v1/keys").then()
                .statusCode(201).extract().path("key");
    }

    /** Repeats {@code probe} until it gives {@code expected} (admin state reaches the replica through Kafka). */
    private static void await(Supplier<String> probe, String expected) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(probe.get()).isEqualTo(expected));
    }
}
