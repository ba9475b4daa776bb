package dev.tollgate.notifier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.control.v1.AlertSilence;
import dev.tollgate.control.v1.ReceiverType;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.SharedInfra;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.notifier.silences.SilenceBook;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The notifier against a real broker, the real registry, real PostgreSQL and a real HTTP receiver: what reaches the
 * receiver, once, grouped, rate-limited, retried, and what is recorded when it keeps failing.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "database", value = "notifier"))
class NotifierIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    @Inject
    SilenceBook silences;
    private static final Duration DELIVERY = Duration.ofSeconds(15);
    private static TestReceiver http;
    private static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void start() {
        http = new TestReceiver();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfra.kafka().bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        AvroKafkaSerializer<SpecificRecord> values = new AvroKafkaSerializer<>();
        values.configure(AvroSerdes.serializerConfig(SharedInfra.registry().url()), false);
        producer = new KafkaProducer<>(props, new StringSerializer(), values);
    }

    @AfterAll
    static void stop() {
        producer.close();
        http.close();
    }

    @Test
    void deliversAFiringTransitionToAWebhookOnceEvenWhenTheTransitionIsReadAgain() throws Exception {
        String receiver = receiver(ReceiverType.WEBHOOK, "/once", 0, 10);
        AlertTransition firing = transition("EndpointDown", "ep-once", AlertState.FIRING, receiver);

        publish(firing);
        publish(firing);
        TestReceiver.Request request = http.next("/once", DELIVERY);

        assertThat(request).as("a POST within %s", DELIVERY).isNotNull();
        assertThat(request.idempotencyKey()).startsWith("ntf_");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("version").asText()).isEqualTo("4");
        assertThat(body.get("receiver").asText()).isEqualTo(receiver);
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("alerts")).hasSize(1);
        assertThat(body.get("alerts").get(0).get("fingerprint").asText()).isEqualTo(firing.getFingerprint());
        assertThat(body.get("alerts").get(0).get("generatorURL").asText())
                .isEqualTo("http://streams.test:8082/v1/alerts?rule=rule-EndpointDown");
        assertThat(http.drain("/once", Duration.ofSeconds(3))).as("the transition read twice is delivered once")
                .isEmpty();
    }

    @Test
    void deliversNothingAnActiveSilenceMatchesAndDeliversAgainOnceItIsExpired() throws Exception {
        String receiver = receiver(ReceiverType.WEBHOOK, "/silenced", 0, 10);
        String silence = "sil-" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = Instant.now().minusSeconds(1);
        send(Topics.ALERT_SILENCES, silence, silence(silence, Map.of("alertname", "Muted", "endpoint", "ep-quiet"),
                start, Instant.now().plus(Duration.ofHours(1)), 0));
        Map<String, String> quiet = Map.of("alertname", "Muted", "endpoint", "ep-quiet", "severity", "critical");
        awaitSilenced(quiet, true);

        publish(transition("Muted", "ep-quiet", AlertState.FIRING, receiver));
        publish(transition("Muted", "ep-loud", AlertState.FIRING, receiver));
        TestReceiver.Request loud = http.next("/silenced", DELIVERY);

        assertThat(loud).as("the alert no silence matches is delivered").isNotNull();
        JsonNode body = JSON.readTree(loud.body());
        assertThat(body.get("alerts").findValuesAsText("fingerprint"))
                .containsExactly(transition("Muted", "ep-loud", AlertState.FIRING, receiver).getFingerprint());
        assertThat(http.drain("/silenced", Duration.ofSeconds(2))).as("the silenced one is not").isEmpty();

        send(Topics.ALERT_SILENCES, silence, silence(silence, Map.of("alertname", "Muted", "endpoint", "ep-quiet"),
                start, Instant.now(), 1));
        awaitSilenced(quiet, false);
        publish(transition("Muted", "ep-other", AlertState.FIRING, receiver));
        TestReceiver.Request after = http.next("/silenced", DELIVERY);

        assertThat(after).as("the next notification of the group, once the silence expired").isNotNull();
        assertThat(after.body()).as("the formerly silenced alert, still firing, is listed again")
                .contains("ep-quiet").contains("ep-other");
    }

    @Test
    void groupsTheTransitionsOfOneGroupThatArriveWithinGroupWaitAndThenNotifiesTheResolution() throws Exception {
        String receiver = receiver(ReceiverType.WEBHOOK, "/grouped", 1500, 10);

        publish(transition("HighErrors", "ep-a", AlertState.FIRING, receiver));
        publish(transition("HighErrors", "ep-b", AlertState.FIRING, receiver));
        TestReceiver.Request first = http.next("/grouped", DELIVERY);
        publish(transition("HighErrors", "ep-a", AlertState.RESOLVED, receiver));
        TestReceiver.Request second = http.next("/grouped", DELIVERY);

        assertThat(first).isNotNull();
        JsonNode grouped = JSON.readTree(first.body());
        assertThat(grouped.get("alerts")).hasSize(2);
        assertThat(grouped.get("groupLabels").get("alertname").asText()).isEqualTo("HighErrors");
        assertThat(second).as("the resolution, within group_interval").isNotNull();
        JsonNode resolution = JSON.readTree(second.body());
        assertThat(resolution.get("status").asText()).as("ep-b still fires").isEqualTo("firing");
        assertThat(resolution.get("alerts").findValuesAsText("status")).containsExactly("firing", "resolved");
        assertThat(second.idempotencyKey()).isNotEqualTo(first.idempotencyKey());
    }

    @Test
    void notifiesAlertsStillFiringAgainAfterTheRepeatInterval() throws Exception {
        String receiver = receiver(ReceiverType.WEBHOOK, "/repeated", 0, 10, 1500);

        publish(transition("StillDown", "ep-r", AlertState.FIRING, receiver));
        TestReceiver.Request first = http.next("/repeated", DELIVERY);
        TestReceiver.Request repeat = http.next("/repeated", DELIVERY);

        assertThat(first).isNotNull();
        assertThat(repeat).as("the repetition").isNotNull();
        assertThat(Duration.ofNanos(repeat.receivedAtNanos() - first.receivedAtNanos()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        assertThat(repeat.idempotencyKey()).isNotEqualTo(first.idempotencyKey());
        JsonNode body = JSON.readTree(repeat.body());
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("alerts").get(0).get("labels").get("endpoint").asText()).isEqualTo("ep-r");
    }

    @Test
    void deliversToSlackWithTextAndBlocks() throws Exception {
        String receiver = receiver(ReceiverType.SLACK, "/slack", 0, 1);

        publish(transition("SlowModel", "ep-s", AlertState.FIRING, receiver));
        TestReceiver.Request request = http.next("/slack", DELIVERY);

        assertThat(request).isNotNull();
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("text").asText()).isEqualTo("[FIRING:1] SlowModel (critical)");
        assertThat(body.get("blocks").get(0).get("type").asText()).isEqualTo("header");
        assertThat(body.get("blocks").get(1).get("text").get("text").asText()).contains("ep-s is down");
    }

    @Test
    void sendsAtMostTheReceiversRatePerSecond() throws Exception {
        String receiver = receiver(ReceiverType.SLACK, "/limited", 0, 1);

        for (String name : List.of("A", "B", "C")) {
            publish(transition("Limited" + name, "ep-l", AlertState.FIRING, receiver));
        }
        List<TestReceiver.Request> got = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(http.next("/limited", DELIVERY));
        }

        assertThat(got).doesNotContainNull();
        assertThat(Duration.ofNanos(got.get(2).receivedAtNanos() - got.get(0).receivedAtNanos()))
                .as("three notifications at one a second").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void aReceiverThatKeepsFailingIsRetriedThenRecordedAsFailedCountedAndListedWithoutItsUrl() throws Exception {
        http.answer("/broken/secret-token", 500);
        String receiver = receiver(ReceiverType.WEBHOOK, "/broken/secret-token", 0, 10);

        publish(transition("Broken", "ep-x", AlertState.FIRING, receiver));
        List<TestReceiver.Request> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            attempts.add(http.next("/broken/secret-token", DELIVERY));
        }
        JsonNode failed = awaitFailed(receiver);

        assertThat(attempts).as("max-attempts is 3 in tests").doesNotContainNull();
        assertThat(attempts).extracting(TestReceiver.Request::idempotencyKey).containsOnly(attempts.get(0)
                .idempotencyKey());
        assertThat(failed.get("attempts").asInt()).isEqualTo(3);
        assertThat(failed.get("last_status").asInt()).isEqualTo(500);
        assertThat(failed.toString()).doesNotContain("secret-token").doesNotContain("127.0.0.1");
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .containsPattern("tollgate_notifier_notifications_total\\{[^}]*outcome=\"failed\"[^}]*receiver=\""
                        + receiver + "\"[^}]*} [1-9]");

        http.answer("/broken/secret-token", 200);
        given().post("/v1/deliveries/" + failed.get("id").asText() + "/retry").then().statusCode(200);
        assertThat(http.next("/broken/secret-token", DELIVERY)).as("retried by hand").isNotNull();
    }

    private JsonNode awaitFailed(String receiver) throws Exception {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode list = JSON.readTree(given().queryParam("status", "failed").queryParam("receiver", receiver)
                    .get("/v1/deliveries").then().statusCode(200).extract().asString());
            if (list.get("data").size() > 0) {
                return list.get("data").get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no failed notification for " + receiver);
    }

    /**
     * Publishes a receiver. Its transitions may be read before it: the notifier records them and sends once it knows
     * the receiver.
     */
    private static String receiver(ReceiverType type, String path, long groupWaitMs, double perSecond) {
        return receiver(type, path, groupWaitMs, perSecond, 3_600_000);
    }

    private static String receiver(ReceiverType type, String path, long groupWaitMs, double perSecond,
                                   long repeatIntervalMs) {
        String id = "rcv-" + UUID.randomUUID().toString().substring(0, 8);
        send(Topics.ALERT_RECEIVERS, id, AlertReceiver.newBuilder().setReceiverId(id).setType(type)
                .setUrl(http.url(path)).setGroupBy(List.of("alertname")).setGroupWaitMs(groupWaitMs)
                .setGroupIntervalMs(1000).setRepeatIntervalMs(repeatIntervalMs).setSendResolved(true)
                .setMaxPerSecond(perSecond).setUpdatedAt(Instant.now()).setVersion(1).build());
        return id;
    }

    private static void publish(AlertTransition transition) {
        send(Topics.ALERTS, transition.getFingerprint(), transition);
    }

    private static void send(String topic, String key, SpecificRecord value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static AlertTransition transition(String name, String endpoint, AlertState state, String receiver) {
        Instant activeAt = Instant.parse("2026-12-06T10:00:00Z");
        boolean resolved = state == AlertState.RESOLVED;
        String fingerprint = Integer.toHexString((name + endpoint + receiver).hashCode());
        return AlertTransition.newBuilder()
                .setTransitionId(fingerprint + ":" + activeAt.toEpochMilli() + ":" + state.name().toLowerCase())
                .setFingerprint(fingerprint).setRuleId("rule-" + name).setRuleName(name)
                .setKind(AlertRuleKind.ENDPOINT_DOWN).setSeverity(AlertSeverity.CRITICAL).setState(state)
                .setPreviousState(resolved ? AlertState.FIRING : AlertState.PENDING)
                .setLabels(Map.of("alertname", name, "severity", "critical", "endpoint", endpoint))
                .setAnnotations(Map.of("summary", endpoint + " is down")).setReceivers(List.of(receiver)).setValue(1)
                .setActiveAt(activeAt).setFiredAt(activeAt.plusSeconds(30))
                .setResolvedAt(resolved ? Instant.now() : null).setTransitionedAt(Instant.now()).build();
    }

    /** Waits until the notifier holds the silence (or its expiry): the dispatcher asks it at every round. */
    private void awaitSilenced(Map<String, String> labels, boolean muted) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        while (silences.muting(labels, Instant.now()).isEmpty() == muted) {
            assertThat(System.nanoTime()).as("the notifier applies the silence").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static AlertSilence silence(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt,
                                        long version) {
        return AlertSilence.newBuilder().setSilenceId(id).setMatchers(matchers).setStartsAt(startsAt)
                .setEndsAt(endsAt).setComment("test").setUpdatedAt(Instant.now()).setVersion(version).build();
    }
}
