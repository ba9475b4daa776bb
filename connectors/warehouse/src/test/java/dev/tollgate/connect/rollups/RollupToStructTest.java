package dev.tollgate.connect.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RollupToStructTest {

    /** A window as the streams app's RollupViewSerializer writes it (docs/streams.md). */
    private static final String MODEL_WINDOW = "{\"object\":\"usage.rollup\",\"granularity\":\"1h\","
            + "\"key\":\"org=acme&model=llama-3-8b\",\"window_start\":\"2026-11-22T06:00:00Z\","
            + "\"window_end\":\"2026-11-22T07:00:00Z\",\"requests\":3,\"errors\":1,\"errors_by_status\":{\"502\":1},"
            + "\"prompt_tokens\":200,\"completion_tokens\":40,\"cost_micros\":3000,"
            + "\"latency_ms\":{\"p50\":250,\"p90\":251,\"p95\":252,\"p99\":253,\"max\":254},"
            + "\"ttft_ms\":{\"p50\":80,\"p90\":81,\"p95\":82,\"p99\":83,\"max\":84}}";

    private final RollupToStruct<SinkRecord> transform = new RollupToStruct<>();

    @Test
    void flattensAWindowIntoARowWithItsDimensionsSplitOut() {
        Struct row = (Struct) transform.apply(record(MODEL_WINDOW)).value();

        assertThat(row.schema()).isEqualTo(UsageRollupSchema.SCHEMA);
        assertThat(row.getString("granularity")).isEqualTo("1h");
        assertThat(row.getString("rollup_key")).isEqualTo("org=acme&model=llama-3-8b");
        assertThat(row.getString("org_id")).isEqualTo("acme");
        assertThat(row.getString("model")).isEqualTo("llama-3-8b");
        assertThat(row.getString("key_id")).isNull();
        assertThat(row.getString("endpoint_id")).isNull();
        assertThat(row.get("window_start")).isEqualTo(Date.from(Instant.parse("2026-11-22T06:00:00Z")));
        assertThat(row.get("window_end")).isEqualTo(Date.from(Instant.parse("2026-11-22T07:00:00Z")));
        assertThat(row.getInt64("requests")).isEqualTo(3);
        assertThat(row.getInt64("errors")).isEqualTo(1);
        assertThat(row.getString("errors_by_status")).isEqualTo("{\"502\":1}");
        assertThat(row.getInt64("prompt_tokens")).isEqualTo(200);
        assertThat(row.getInt64("completion_tokens")).isEqualTo(40);
        assertThat(row.getInt64("cost_micros")).isEqualTo(3000);
        assertThat(row.getInt64("latency_p50_ms")).isEqualTo(250);
        assertThat(row.getInt64("latency_max_ms")).isEqualTo(254);
        assertThat(row.getInt64("ttft_p99_ms")).isEqualTo(83);
        row.validate();
    }

    @Test
    void keepsTheRecordKeyAndTimestampForTheSinkToUpsertOn() {
        SinkRecord in = record(MODEL_WINDOW);

        SinkRecord out = transform.apply(in);

        assertThat(out.key()).isEqualTo(in.key());
        assertThat(out.timestamp()).isEqualTo(in.timestamp());
        assertThat(out.kafkaOffset()).isEqualTo(in.kafkaOffset());
    }

    @Test
    void splitsATeamRollupKeyIntoOrgAndTeam() {
        String teamWindow = "{\"object\":\"usage.rollup\",\"granularity\":\"1d\",\"key\":\"org=acme&team=search%20ml\","
                + "\"window_start\":\"2026-11-22T00:00:00Z\",\"window_end\":\"2026-11-23T00:00:00Z\",\"requests\":2,"
                + "\"errors\":0,\"prompt_tokens\":5,\"completion_tokens\":6,\"cost_micros\":7}";

        Struct row = (Struct) transform.apply(record(teamWindow)).value();

        assertThat(row.getString("org_id")).isEqualTo("acme");
        assertThat(row.getString("team_id")).isEqualTo("search ml");
        assertThat(row.getString("model")).isNull();
        assertThat(row.getString("key_id")).isNull();
        row.validate();
    }

    @Test
    void leavesAbsentPercentilesAndStatusesNull() {
        String endpointWindow = "{\"object\":\"usage.rollup\",\"granularity\":\"1m\",\"key\":\"endpoint=ep%2F1\","
                + "\"window_start\":\"2026-11-22T06:01:00Z\",\"window_end\":\"2026-11-22T06:02:00Z\",\"requests\":1,"
                + "\"errors\":0,\"prompt_tokens\":5,\"completion_tokens\":6,\"cost_micros\":7,"
                + "\"latency_ms\":{\"p50\":10,\"p90\":10,\"p95\":10,\"p99\":10,\"max\":10}}";

        Struct row = (Struct) transform.apply(record(endpointWindow)).value();

        assertThat(row.getString("endpoint_id")).isEqualTo("ep/1");
        assertThat(row.getString("org_id")).isNull();
        assertThat(row.getString("errors_by_status")).isNull();
        assertThat(row.getInt64("ttft_p50_ms")).isNull();
        row.validate();
    }

    @Test
    void rejectsAValueThatIsNotARollupDocumentNamingTheField() {
        assertThatThrownBy(() -> transform.apply(record("{\"granularity\":\"1h\"}")))
                .isInstanceOf(DataException.class).hasMessageContaining("'key'");
        assertThatThrownBy(() -> transform.apply(record(MODEL_WINDOW.replace("\"requests\":3", "\"requests\":\"3\""))))
                .isInstanceOf(DataException.class).hasMessageContaining("'requests'");
        assertThatThrownBy(() -> transform.apply(record("[1,2]")))
                .isInstanceOf(DataException.class).hasMessageContaining("JSON object");
    }

    @Test
    void dropsATombstone() {
        SinkRecord tombstone = new SinkRecord("tollgate.rollups.v1", 0, Schema.STRING_SCHEMA, "k", null, null, 1);

        assertThat(transform.apply(tombstone)).isNull();
    }

    /** The record as the connector's converters make it: a String key, the JSON read without a schema. */
    private static SinkRecord record(String json) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);
        SchemaAndValue value = converter.toConnectData("tollgate.rollups.v1", json.getBytes(StandardCharsets.UTF_8));
        return new SinkRecord("tollgate.rollups.v1", 2, Schema.STRING_SCHEMA, "1h/1763791200000/org=acme",
                value.schema(), value.value(), 42, 1763794800000L, org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }
}
