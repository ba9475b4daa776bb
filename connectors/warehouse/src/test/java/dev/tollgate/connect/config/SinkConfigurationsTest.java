package dev.tollgate.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.connect.rollups.UsageRollupSchema;
import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.kafka.config.BaseKafkaSerDeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped sink configurations ({@code config/postgres}, {@code config/clickhouse}) hold what docs/warehouse.md
 * promises: they read exactly the wire format the gateway's serializer writes, upsert on the event id or the window
 * key, send what they cannot read to the contract's dead-letter topic, and never read aborted records.
 */
class SinkConfigurationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TOPIC_OF_FILE = Map.of("usage.json", Topics.USAGE,
            "rollups.json", Topics.ROLLUPS, "budget-events.json", Topics.BUDGET_EVENTS);

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "clickhouse"})
    void everyTopicHasASinkThatDeadLettersWhatItCannotReadAndReadsOnlyCommittedRecords(String folder)
            throws IOException {
        Map<String, Map<String, String>> sinks = load(folder);

        assertThat(sinks.keySet()).containsExactlyInAnyOrderElementsOf(TOPIC_OF_FILE.keySet());
        sinks.forEach((file, config) -> {
            assertThat(config.get("topics")).as(file).isEqualTo(TOPIC_OF_FILE.get(file));
            assertThat(config).as(file).containsEntry("errors.tolerance", "all")
                    .containsEntry("errors.deadletterqueue.topic.name", Topics.WAREHOUSE_DLQ)
                    .containsEntry("errors.deadletterqueue.context.headers.enable", "true")
                    .containsEntry("consumer.override.isolation.level", "read_committed")
                    .containsEntry("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "clickhouse"})
    void theAvroSinksReadExactlyTheWireFormatTheGatewayWrites(String folder) throws IOException {
        BaseKafkaSerDeConfig gateway = new BaseKafkaSerDeConfig(AvroSerdes.serializerConfig("http://registry:8080"));

        for (String file : List.of("usage.json", "budget-events.json")) {
            Map<String, String> config = load(folder).get(file);
            assertThat(config).as(file)
                    .containsEntry("value.converter", "io.apicurio.registry.utils.converter.AvroConverter")
                    .containsEntry("value.converter.apicurio.registry.headers.enabled",
                            Boolean.toString(gateway.enableHeaders()))
                    .containsEntry("value.converter.apicurio.registry.use-id", gateway.useIdOption().name())
                    .containsEntry("value.converter.apicurio.registry.id-handler", className(gateway.getIdHandler()))
                    .containsEntry("value.converter.apicurio.registry.url",
                            "${env:TOLLGATE_REGISTRY_URL}/apis/registry/v3");
        }
    }

    @Test
    void thePostgresSinksUpsertOnTheEventIdOrTheWindowKeyAndAddColumnsForNewFields() throws IOException {
        Map<String, Map<String, String>> sinks = load("postgres");

        sinks.values().forEach(config -> assertThat(config).containsEntry("insert.mode", "upsert")
                .containsEntry("primary.key.mode", "record_value").containsEntry("schema.evolution", "basic")
                .containsEntry("delete.enabled", "false").containsEntry("quote.identifiers", "true"));
        assertThat(sinks.get("usage.json")).containsEntry("primary.key.fields", "event_id");
        assertThat(UsageEvent.getClassSchema().getField("event_id")).isNotNull();
        assertThat(sinks.get("budget-events.json")).containsEntry("primary.key.fields", "event_id");
        assertThat(BudgetThresholdCrossed.getClassSchema().getField("event_id")).isNotNull();
        String rollupKey = sinks.get("rollups.json").get("primary.key.fields");
        for (String field : rollupKey.split(",")) {
            assertThat(UsageRollupSchema.SCHEMA.field(field)).as(field).isNotNull();
        }
        assertThat(sinks.get("rollups.json")).containsEntry("transforms.rollup.type",
                "dev.tollgate.connect.rollups.RollupToStruct");
    }

    @Test
    void theClickHouseTablesHaveAColumnForEveryField() throws IOException {
        Map<String, List<String>> tables = clickHouseColumns(Files.readString(Path.of("config/clickhouse/tables.sql")));

        assertThat(tables.get("usage_events")).containsExactlyElementsOf(names(UsageEvent.getClassSchema()));
        assertThat(tables.get("budget_threshold_events"))
                .containsExactlyElementsOf(names(BudgetThresholdCrossed.getClassSchema()));
        assertThat(tables.get("usage_rollups")).containsExactlyElementsOf(
                UsageRollupSchema.SCHEMA.fields().stream().map(org.apache.kafka.connect.data.Field::name).toList());
    }

    private static List<String> names(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

    private static Map<String, List<String>> clickHouseColumns(String ddl) {
        Map<String, List<String>> tables = new HashMap<>();
        Matcher table = Pattern.compile("CREATE TABLE IF NOT EXISTS tollgate\\.(\\w+) \\((.*?)\\) ENGINE",
                Pattern.DOTALL).matcher(ddl);
        while (table.find()) {
            List<String> columns = new ArrayList<>();
            for (String line : table.group(2).split("\n")) {
                if (!line.isBlank()) {
                    columns.add(line.strip().split("\\s+")[0]);
                }
            }
            tables.put(table.group(1), columns);
        }
        return tables;
    }

    private static String className(Object handler) {
        return handler instanceof Class<?> type ? type.getName() : handler.toString();
    }

    /** The connector configurations of a folder, by file name. */
    private static Map<String, Map<String, String>> load(String folder) throws IOException {
        Map<String, Map<String, String>> sinks = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of("config", folder))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode connector = JSON.readTree(file.toFile());
                assertThat(connector.path("name").asText()).as(file.toString()).startsWith("tollgate-");
                Map<String, String> config = new HashMap<>();
                connector.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
                sinks.put(file.getFileName().toString(), config);
            }
        }
        return sinks;
    }
}
