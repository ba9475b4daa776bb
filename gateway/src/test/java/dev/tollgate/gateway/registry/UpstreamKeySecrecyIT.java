package dev.tollgate.gateway.registry;

import static dev.tollgate.gateway.admin.AdminApiIT.chat;
import static dev.tollgate.gateway.admin.AdminApiIT.until;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import dev.tollgate.gateway.StubUpstream;
import dev.tollgate.gateway.admin.AdminApiIT;
import dev.tollgate.gateway.secrets.SealedSecret;
import dev.tollgate.gateway.secrets.SecretSealer;
import dev.tollgate.local.testing.PostgresResource;
import dev.tollgate.local.testing.TollgateInfraResource;
import dev.tollgate.local.testing.VllmSimulatorResource;
import dev.tollgate.schemas.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Upstream API keys are sealed at rest and on the topic (issue #24), read back raw from the real PostgreSQL table and
 * the real broker; a replica that cannot open a key serves everything else; a re-wrap to another key-encryption key
 * under concurrent load loses no request.
 */
@QuarkusTest
@QuarkusTestResource(value = TollgateInfraResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = VllmSimulatorResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
class UpstreamKeySecrecyIT {

    private static final Logger LOG = Logger.getLogger(UpstreamKeySecrecyIT.class);
    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;
    @ConfigProperty(name = "quarkus.datasource.password")
    String dbPassword;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @TestHTTPResource("/v1/chat/completions")
    URI chatUri;
    @jakarta.inject.Inject
    SecretSealer sealer;

    @Test
    void neverHoldsAnUpstreamKeyInClearInTheTableOrOnTheTopic() throws Exception {
        String secret = "sk-never-in-clear-" + UUID.randomUUID();
        String id = admin().body("{\"model\":\"secrecy-model\",\"base_url\":\"http://10.0.0.42:8000\","
                        + "\"upstream_api_key\":\"" + secret + "\"}").post("/admin/v1/endpoints").then().statusCode(201)
                .body("has_upstream_api_key", equalTo(true)).body("upstream_key_kek_id", equalTo("it-k1"))
                .extract().path("id");
        String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));

        List<String> rows = new ArrayList<>();
        try (Connection db = database(); ResultSet rs = db.createStatement().executeQuery("select e::text from "
                + "endpoints e")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        assertThat(rows).anyMatch(row -> row.contains(id));
        assertThat(rows).noneMatch(row -> row.contains(secret) || row.contains(hex));

        List<ConsumerRecord<byte[], byte[]>> records = readWholeTopic(Topics.ENDPOINTS);
        assertThat(records).anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(id));
        assertThat(records).noneMatch(r -> r.value() != null
                && new String(r.value(), StandardCharsets.ISO_8859_1).contains(secret));
    }

    @Test
    void theMigrationSealsEveryPlaintextKeyLeftByAnEarlierVersion() throws Exception {
        String database = "migration_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = database()) {
            admin.createStatement().execute("create database " + database);
        }
        String url = jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + database;
        try (Connection db = DriverManager.getConnection(url, dbUser, dbPassword)) {
            db.createStatement().execute("create table endpoints (id varchar(64) primary key, upstream_api_key "
                    + "varchar(4000), upstream_key_kek_id varchar(64), upstream_key_envelope bytea, version bigint "
                    + "not null default 0)");
            db.createStatement().execute("insert into endpoints (id, upstream_api_key) values ('old-1', 'sk-old-1'), "
                    + "('old-2', 'sk-old-2'), ('keyless', null)");
            db.setAutoCommit(false);

            new SealUpstreamKeysMigration().migrate(new org.flywaydb.core.api.migration.Context() {
                @Override
                public org.flywaydb.core.api.configuration.Configuration getConfiguration() {
                    return null;
                }

                @Override
                public Connection getConnection() {
                    return db;
                }
            });
            db.commit();

            try (ResultSet rows = db.createStatement().executeQuery("select id, upstream_api_key, upstream_key_kek_id, "
                    + "upstream_key_envelope, version from endpoints order by id")) {
                Map<String, String> opened = new java.util.TreeMap<>();
                while (rows.next()) {
                    assertThat(rows.getString(2)).as("plaintext left in %s", rows.getString(1)).isNull();
                    SealedSecret sealed = SealedSecret.ofNullable(rows.getString(3), rows.getBytes(4));
                    opened.put(rows.getString(1), sealed == null ? "none"
                            : sealer.open(sealed, EndpointRecords.secretContext(rows.getString(1))) + "@"
                            + sealed.kekId() + " v" + rows.getLong(5));
                }
                assertThat(opened).containsExactly(Map.entry("keyless", "none"),
                        Map.entry("old-1", "sk-old-1@it-k1 v1"), Map.entry("old-2", "sk-old-2@it-k1 v1"));
            }
            db.setAutoCommit(true);
            assertThatThrownBy(() -> db.createStatement().execute("update endpoints set upstream_api_key = 'x'"))
                    .hasMessageContaining("endpoints_no_plain_upstream_key");
        }
    }

    @Test
    void theTableRefusesAPlaintextUpstreamKey() throws Exception {
        String id = admin().body("{\"model\":\"secrecy-model\",\"base_url\":\"http://10.0.0.43:8000\"}")
                .post("/admin/v1/endpoints").then().statusCode(201).extract().path("id");

        try (Connection db = database();
             PreparedStatement update = db.prepareStatement("update endpoints set upstream_api_key = ? where id = ?")) {
            update.setString(1, "sk-plain");
            update.setString(2, id);
            assertThatThrownBy(update::executeUpdate).isInstanceOf(SQLException.class)
                    .hasMessageContaining("endpoints_no_plain_upstream_key");
        }
    }

    @Test
    void anEndpointWhoseKeyCannotBeOpenedIsUnavailableWithItsReasonWhileTheRestServe() throws Exception {
        String id = "ep-gone-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "gone-model-" + id.substring(8);
        byte[] foreignKek = new byte[32];
        foreignKek[0] = 7;
        SealedSecret sealed = SecretSealer.withKeys(Map.of("gone", foreignKek), "gone")
                .seal("sk-gone", EndpointRecords.secretContext(id));
        try (Connection db = database(); PreparedStatement insert = db.prepareStatement("insert into endpoints (id, "
                + "model, environment, base_url, upstream_key_kek_id, upstream_key_envelope, weight, status, "
                + "input_price_per_million_micros, output_price_per_million_micros, price_version, created_at) values "
                + "(?, ?, 'production', 'http://10.0.0.44:8000', ?, ?, 1, 'disabled', 0, 0, 1, ?)")) {
            insert.setString(1, id);
            insert.setString(2, model);
            insert.setString(3, sealed.kekId());
            insert.setBytes(4, sealed.envelope());
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }

        admin().post("/admin/v1/endpoints/" + id + "/enable").then().statusCode(200);

        until(() -> reason(id) != null);
        assertThat(reason(id)).contains("'gone' is not held by this replica");
        chat(AdminApiIT.ChatKey.BOOTSTRAP, model).then().statusCode(404).body("error.code", equalTo("model_not_found"));
        chat(AdminApiIT.ChatKey.BOOTSTRAP, VllmSimulatorResource.MODEL).then().statusCode(200);
        admin().get("/admin/v1/secrets").then().statusCode(200)
                .body("unavailable.find { it.endpoint_id == '" + id + "' }.reason", org.hamcrest.Matchers
                        .containsString("'gone'"));
        admin().delete("/admin/v1/endpoints/" + id).then().statusCode(200);
    }

    @Test
    void rewrapsEveryUpstreamKeyToAnotherKekUnderLoadWithoutLosingARequest() throws Exception {
        String model = "rotation-model-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "sk-rotation-" + UUID.randomUUID();
        Queue<String> seen = new ConcurrentLinkedQueue<>();
        try (StubUpstream upstream = StubUpstream.recordingChatHeader("authorization", seen, completion(model))) {
            String id = admin().body("{\"model\":\"" + model + "\",\"base_url\":\"http://127.0.0.1:" + upstream.port()
                    + "\",\"upstream_api_key\":\"" + secret + "\"}").post("/admin/v1/endpoints").then()
                    .statusCode(201).extract().path("id");
            until(() -> chat(AdminApiIT.ChatKey.BOOTSTRAP, model).statusCode() == 200);
            seen.clear();

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService workers = Executors.newFixedThreadPool(8);
            long started = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                workers.submit(() -> load(client, model, stop, statuses));
            }
            Thread.sleep(500);
            admin().body("{\"kek_id\":\"it-k2\"}").post("/admin/v1/secrets/rewrap").then().statusCode(200)
                    .body("target_kek_id", equalTo("it-k2"));
            Thread.sleep(1000);
            admin().body("{}").post("/admin/v1/secrets/rewrap").then().statusCode(200)
                    .body("target_kek_id", equalTo("it-k1"));
            Thread.sleep(1000);
            stop.set(true);
            workers.shutdown();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            double seconds = (System.nanoTime() - started) / 1e9;

            int answered = statuses.getOrDefault(200, new AtomicInteger()).get();
            LOG.infof("event=rotation_under_load requests=%d seconds=%.1f statuses=%s", answered, seconds, statuses);
            assertThat(statuses.keySet()).as("every request answered 200 during two re-wraps").containsOnly(200);
            assertThat(answered).isGreaterThan(50);
            assertThat(seen).hasSize(answered).containsOnly("Bearer " + secret);
            List<ConsumerRecord<byte[], byte[]>> published = readWholeTopic(Topics.ENDPOINTS).stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(id)).toList();
            assertThat(published).hasSizeGreaterThanOrEqualTo(3);
            assertThat(published).noneMatch(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains(secret));
            admin().get("/admin/v1/endpoints?model=" + model).then().body("data[0].upstream_key_kek_id",
                    equalTo("it-k1"));
        }
    }

    private void load(HttpClient client, String model, AtomicBoolean stop, Map<Integer, AtomicInteger> statuses) {
        HttpRequest request = HttpRequest.newBuilder(chatUri).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + AdminApiIT.ChatKey.BOOTSTRAP)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":4,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
        while (!stop.get()) {
            int status;
            try {
                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                status = -1;
            }
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static String reason(String id) {
        return admin().get("/admin/v1/endpoints").then().statusCode(200).extract()
                .path("data.find { it.id == '" + id + "' }.unavailable_reason");
    }

    private List<ConsumerRecord<byte[], byte[]>> readWholeTopic(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
    }

    private static String completion(String model) {
        return "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"" + model + "\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + "{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN_TOKEN).contentType(ContentType.JSON);
    }
}
