package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.connect.ConnectClient;
import dev.tollgate.local.process.Ports;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse of issue #19, end to end on the local platform started with {@code --warehouse}: a real Kafka
 * Connect worker runs Debezium's JDBC sink with Apicurio's converter into real PostgreSQL. Requests through the
 * gateway become exactly one usage row each; rollups and budget threshold events land too; a new optional field adds
 * a column; rebuilding from the beginning of the topic rewrites every row and adds none; and records the sinks cannot
 * read go to {@code tollgate.warehouse-dlq.v1} with the reason, without stopping them.
 */
class WarehouseIT {

    private static final int REQUESTS = 40;
    private static final String USAGE_SINK = "tollgate-usage-warehouse";
    private static final Duration SINK = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void billsEachRequestOnceRebuildsWithoutDuplicatesAndDeadLettersWhatItCannotRead() throws Exception {
        Map<String, Integer> ports = new HashMap<>(LocalPlatformIT.freePorts());
        ports.put("connect", Ports.freePort());
        List<String> args = LocalPlatformIT.args(ports);
        args.addAll(List.of("--warehouse", "--connect-port", ports.get("connect").toString(), "--no-watch"));
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, args, Map.of());
             WarehouseDb db = startedWarehouse(launcher, ports)) {
            String gateway = "http://127.0.0.1:" + ports.get("gateway");
            BudgetClients.createBudget("{\"id\":\"wh-budget\",\"scope_type\":\"org\",\"scope_id\":\"local\","
                    + "\"amount_micros\":200,\"period\":\"daily\",\"enforcement\":\"soft\",\"thresholds\":[50,100]}",
                    "wh-budget", LocalPlatformIT.printed(LocalPlatformIT.ADMIN_TOKEN, launcher), List.of(gateway));
            String key = LocalPlatformIT.printed(LocalPlatformIT.KEY, launcher);
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(chat(gateway, key).statusCode()).isEqualTo(200);
            }

            db.await("SELECT count(*) FROM usage_events WHERE org_id = 'local'", n -> n >= REQUESTS, SINK);
            Thread.sleep(2000); // a duplicate row would arrive with the others
            assertThat(db.number("SELECT count(*) FROM usage_events WHERE org_id = 'local'")).isEqualTo(REQUESTS);
            assertThat(db.number("SELECT count(DISTINCT event_id) FROM usage_events")).isEqualTo(REQUESTS);
            long cost = db.number("SELECT sum(cost_micros) FROM usage_events WHERE org_id = 'local'");
            assertThat(cost).isPositive();
            assertThat(db.number("SELECT count(*) FROM usage_events WHERE status = 'OK' AND usage_source = 'PROVIDER'"
                    + " AND price_version IS NOT NULL AND completed_at IS NOT NULL")).isEqualTo(REQUESTS);
            db.await("SELECT sum(requests) FROM usage_rollups WHERE granularity = '1d' AND rollup_key = 'org=local'",
                    n -> n == REQUESTS, SINK);
            assertThat(db.number("SELECT sum(cost_micros) FROM usage_rollups WHERE granularity = '1d' AND org_id = "
                    + "'local' AND model = 'sim-llama-3-8b'")).isEqualTo(cost);
            db.await("SELECT count(DISTINCT event_id) FROM budget_threshold_events WHERE budget_id = 'wh-budget'",
                    n -> n == 2, SINK);

            String bootstrap = "127.0.0.1:" + ports.get("kafka");
            String registry = "http://127.0.0.1:" + ports.get("registry");
            String evolvedId = produceWithANewOptionalField(bootstrap, registry);
            db.await("SELECT count(*) FROM usage_events WHERE event_id = '" + evolvedId + "'", n -> n == 1, SINK);
            assertThat(db.text("SELECT region FROM usage_events WHERE event_id = '" + evolvedId + "'"))
                    .isEqualTo("eu-west");

            byte[] notAvro = "not an Avro record".getBytes(StandardCharsets.UTF_8);
            byte[] notARollup = "{\"granularity\":\"1h\"}".getBytes(StandardCharsets.UTF_8);
            produceRaw(bootstrap, Topics.USAGE, "wh-dlq", notAvro);
            produceRaw(bootstrap, Topics.ROLLUPS, "1h/0/org=wh-dlq", notARollup);
            Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = awaitDeadLetters(bootstrap, 2);
            assertDeadLetter(deadLetters.get(Topics.USAGE), notAvro, USAGE_SINK, "VALUE_CONVERTER");
            assertDeadLetter(deadLetters.get(Topics.ROLLUPS), notARollup, "tollgate-rollups-warehouse",
                    "TRANSFORMATION");
            assertThat(header(deadLetters.get(Topics.ROLLUPS), "__connect.errors.exception.message")).contains("'key'");
            ConnectClient connect = new ConnectClient("http://127.0.0.1:" + ports.get("connect"));
            connect.awaitRunning(USAGE_SINK, Duration.ofSeconds(5));

            long rows = db.number("SELECT count(*) FROM usage_events");
            long before = db.number("SELECT txid_current()");
            connect.stop(USAGE_SINK, Duration.ofSeconds(30));
            assertThat(connect.offsets(USAGE_SINK)).as("committed before the reset").isNotEmpty();
            connect.resetOffsets(USAGE_SINK);
            assertThat(connect.offsets(USAGE_SINK)).as("after the reset").isEmpty();
            connect.resume(USAGE_SINK);
            connect.awaitRunning(USAGE_SINK, Duration.ofSeconds(60));
            // Every row is written again by the re-read (a new row version, newer than the reset), and none is added.
            db.await("SELECT count(*) FROM usage_events WHERE xmin::text::bigint > " + before, n -> n == rows, SINK);
            assertThat(db.number("SELECT count(*) FROM usage_events")).isEqualTo(rows);
            assertThat(db.number("SELECT count(*) FROM usage_events WHERE org_id = 'local'")).isEqualTo(REQUESTS);

            assertThat(launcher.stop(Duration.ofSeconds(60))).isIn(0, 143);
            assertThat(launcher.leftovers()).isEmpty();
        }
    }

    private static WarehouseDb startedWarehouse(LauncherProcess launcher, Map<String, Integer> ports) throws Exception {
        assertThat(launcher.awaitLine(l -> l.contains("Tollgate is running"), LocalPlatformIT.START))
                .as("launcher console:\n%s", launcher.console()).isPresent();
        assertThat(launcher.console()).contains("Kafka Connect").contains("/warehouse");
        return new WarehouseDb(ports.get("postgres"));
    }

    private static HttpResponse<String> chat(String gateway, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BudgetClients.CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Publishes a usage event whose schema has one more optional field, {@code region}, as a later version of the
     * contract would: the serializer registers the new version, and the sink adds the column.
     */
    private static String produceWithANewOptionalField(String bootstrap, String registry) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema = (ObjectNode) json.readTree(UsageEvent.getClassSchema().toString());
        schema.withArray("fields").addObject().put("name", "region").putNull("default")
                .putArray("type").add("null").add("string");
        Schema evolved = new Schema.Parser().parse(schema.toString());
        long now = Instant.now().toEpochMilli();
        String eventId = UUID.randomUUID().toString();
        GenericRecord record = new GenericData.Record(evolved);
        Map.<String, Object>ofEntries(Map.entry("event_id", eventId), Map.entry("request_id", "req-evolved"),
                Map.entry("attempt", 1), Map.entry("org_id", "wh-evolution"), Map.entry("key_id", "key-evolved"),
                Map.entry("model", "sim-llama-3-8b"), Map.entry("prompt_tokens", 3L), Map.entry("completion_tokens", 4L),
                Map.entry("total_tokens", 7L), Map.entry("cached_tokens", 0L), Map.entry("cost_micros", 9L),
                Map.entry("price_version", 1), Map.entry("http_status", 200), Map.entry("streaming", false),
                Map.entry("latency_ms", 5L), Map.entry("started_at", now - 5), Map.entry("completed_at", now))
                .forEach(record::put);
        record.put("usage_source", new GenericData.EnumSymbol(evolved.getField("usage_source").schema(), "PROVIDER"));
        record.put("status", new GenericData.EnumSymbol(evolved.getField("status").schema(), "OK"));
        record.put("region", "eu-west");
        // Every other field at its schema default, as a producer built from the schema would send it: a field added to
        // the contract later (with its default) must not break this test's hand-made record.
        for (Schema.Field field : evolved.getFields()) {
            if (record.get(field.pos()) == null && field.hasDefaultValue()) {
                record.put(field.pos(), GenericData.get().getDefaultValue(field));
            }
        }
        AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(registry), false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(Topics.USAGE, "wh-evolution", record)).get();
        }
        return eventId;
    }

    private static void produceRaw(String bootstrap, String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The first dead letters of the sinks, by the topic they came from, once {@code count} topics have one. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> awaitDeadLetters(String bootstrap, int count) {
        Map<String, ConsumerRecord<byte[], byte[]>> byTopic = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.WAREHOUSE_DLQ).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                    p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + SINK.toNanos();
            while (byTopic.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> byTopic.putIfAbsent(
                        header(r, "__connect.errors.topic"), r));
            }
        }
        assertThat(byTopic).as("dead letters by source topic").hasSize(count);
        return byTopic;
    }

    private static void assertDeadLetter(ConsumerRecord<byte[], byte[]> deadLetter, byte[] value, String connector,
                                         String stage) {
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.value()).as("the original bytes").isEqualTo(value);
        assertThat(header(deadLetter, "__connect.errors.connector.name")).isEqualTo(connector);
        assertThat(header(deadLetter, "__connect.errors.stage")).isEqualTo(stage);
        assertThat(header(deadLetter, "__connect.errors.exception.class.name")).isNotBlank();
        assertThat(header(deadLetter, "__connect.errors.offset")).matches("\\d+");
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
