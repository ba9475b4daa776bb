package dev.tollgate.streams.it;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.schemas.DeadLetterHeaders;
import dev.tollgate.streams.deadletter.DeadLetterReason;
import dev.tollgate.streams.usage.UsageEvents;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The whole slice against a real KRaft broker and the real Apicurio Registry: events produced with the real
 * serializer come out as deduplicated totals on the HTTP API, and bad records come out on the dead-letter topic.
 * Each test uses its own org ids, so tests share the broker without seeing each other's data.
 */
@QuarkusTest
@WithTestResource(TollgateInfraResource.class)
@WithTestResource(FreshStateDirResource.class)
class UsageTotalsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void servesDeduplicatedTotalsAndDeadLettersBadRecords() throws Exception {
        String org = "it-" + UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UsageEvent first = UsageEvents.ok(org, t0).build();
        UsageEvent failed = UsageEvents.upstreamError(org, t0.plusMillis(10)).build();
        UsageEvent impossible = UsageEvents.ok(org, t0.plusMillis(20)).setCostMicros(-1).build();
        UsageEvent last = UsageEvents.ok(org, t0.plusMillis(30)).setPromptTokens(7).setCompletionTokens(3)
                .setTotalTokens(10).setCostMicros(99).build();

        try (KafkaProducer<String, UsageEvent> events = eventProducer();
                KafkaProducer<String, byte[]> raw = rawProducer()) {
            send(events, org, first);
            send(events, org, failed);
            send(events, org, first);
            send(events, org, impossible);
            send(raw, org, unknownSchemaId());
            send(events, org, last);
        }

        Eventually.within(PATIENCE, () -> {
            Response response = given().get("/v1/usage/orgs/{org}/totals", org);
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            JsonPath totals = response.jsonPath();
            assertThat(totals.getLong("requests")).isEqualTo(3);
        });
        JsonPath totals = given().get("/v1/usage/orgs/{org}/totals", org).then().statusCode(200)
                .extract().jsonPath();
        assertThat(totals.getString("object")).isEqualTo("usage.totals");
        assertThat(totals.getString("org_id")).isEqualTo(org);
        assertThat(totals.getLong("errors")).isEqualTo(1);
        assertThat(totals.getLong("prompt_tokens")).isEqualTo(107);
        assertThat(totals.getLong("completion_tokens")).isEqualTo(23);
        assertThat(totals.getLong("total_tokens")).isEqualTo(130);
        assertThat(totals.getLong("cost_micros")).isEqualTo(1_599);
        assertThat(totals.getString("last_event_at")).isEqualTo(t0.plusMillis(30).toString());

        List<ConsumerRecord<String, byte[]>> letters = deadLetters(org, 2);
        assertThat(letters).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly(
                DeadLetterReason.NEGATIVE_COST.name(), DeadLetterReason.UNDECODABLE.name());
        assertThat(header(letters.get(1), DeadLetterHeaders.DETAIL))
                .as("an unknown schema id is the record's fault, not a registry outage").contains("HTTP 404");
        assertThat(letters.get(1).value()).isEqualTo(unknownSchemaId());
    }

    @Test
    void answersNotFoundInTheOpenAiErrorShapeForAnUnknownOrg() {
        String org = "it-unknown-" + UUID.randomUUID();

        Eventually.within(PATIENCE, () -> assertThat(given().get("/v1/usage/orgs/{org}/totals", org).statusCode())
                .as("404 once the store is queryable; 503 before").isEqualTo(404));
        JsonPath error = given().get("/v1/usage/orgs/{org}/totals", org).then().statusCode(404)
                .contentType("application/json").extract().jsonPath();
        assertThat(error.getString("error.code")).isEqualTo("org_not_found");
        assertThat(error.getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("error.param")).isEqualTo("org_id");
        assertThat(error.getString("error.message")).contains(org);
    }

    @Test
    void reportsLiveAndReadyOnceStreamsRuns() {
        Eventually.within(PATIENCE, () -> {
            Response ready = given().get("/q/health/ready");
            assertThat(ready.statusCode()).as(ready.asString()).isEqualTo(200);
        });
        Response live = given().get("/q/health/live");
        assertThat(live.statusCode()).as(live.asString()).isEqualTo(200);
        assertThat(live.jsonPath().getString("status")).isEqualTo("UP");
    }

    /** A value framed like a registry-encoded one, naming a schema id the registry has never issued. */
    private static byte[] unknownSchemaId() {
        return ByteBuffer.allocate(9).put((byte) 0).putInt(Integer.MAX_VALUE - 7).putInt(42).array();
    }

    private static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    private static KafkaProducer<String, UsageEvent> eventProducer() {
        AvroKafkaSerializer<UsageEvent> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(config("tollgate.registry.url")), false);
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), serializer);
    }

    private static KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all");
    }

    private static <V> void send(KafkaProducer<String, V> producer, String org, V value)
            throws InterruptedException, ExecutionException, TimeoutException {
        producer.send(new ProducerRecord<>(Topics.USAGE, org, value)).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The first {@code expected} dead letters of {@code org}, in topic order. */
    private static List<ConsumerRecord<String, byte[]>> deadLetters(String org, int expected) {
        List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.USAGE_DLQ));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (letters.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (org.equals(record.key())) {
                        letters.add(record);
                    }
                }
            }
        }
        return letters;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
