package dev.tollgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    private static final Path CURRENT = Path.of(System.getProperty("tollgate.schemas.dir", "src/main/avro"));
    private static final Path RELEASED = Path.of(System.getProperty("tollgate.schemas.released.dir", "released"));

    @Test
    void currentSchemasAreBackwardCompatibleWithTheReleasedOnes() throws Exception {
        Map<String, Schema> released = SchemaCompatibility.load(RELEASED);
        Map<String, Schema> current = SchemaCompatibility.load(CURRENT);

        assertThat(released).as("released schemas under %s", RELEASED)
                .containsKeys("dev.tollgate.events.v1.UsageEvent", "dev.tollgate.events.v1.RequestEvent",
                        "dev.tollgate.events.v1.TraceEvent", "dev.tollgate.control.v1.ApiKeyState",
                        "dev.tollgate.control.v1.EndpointState", "dev.tollgate.events.v1.BudgetDefinition",
                        "dev.tollgate.events.v1.BudgetState", "dev.tollgate.events.v1.BudgetThresholdCrossed",
                        "dev.tollgate.events.v1.EvalScore", "dev.tollgate.control.v1.EvaluatorState",
                        "dev.tollgate.control.v1.AlertRule", "dev.tollgate.control.v1.AlertReceiver",
                        "dev.tollgate.events.v1.AlertTransition", "dev.tollgate.events.v1.EndpointHealthReport",
                        "dev.tollgate.events.v1.EndpointLoadSample");
        assertThat(SchemaCompatibility.checkBackward(released, current)).isEmpty();
    }

    @Test
    void consumersOnTheReleasedUsageEventReadEventsCarryingTheProducerStamp() throws Exception {
        Schema released = SchemaCompatibility.load(RELEASED).get("dev.tollgate.events.v1.UsageEvent");
        Schema current = SchemaCompatibility.load(CURRENT).get("dev.tollgate.events.v1.UsageEvent");

        // FORWARD: a consumer not yet upgraded (billing, warehouse sinks) must read what an upgraded gateway writes.
        assertThat(org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
                .isEqualTo(org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        for (String stamp : new String[] {"producer_id", "producer_sequence"}) {
            Schema.Field field = current.getField(stamp);
            assertThat(field).as(stamp).isNotNull();
            assertThat(field.hasDefaultValue()).as("%s has a default", stamp).isTrue();
            assertThat(field.defaultVal()).as("%s defaults to null", stamp).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        }
    }

    @Test
    void detectsANewFieldWithoutDefault() {
        Schema old = record("{\"name\":\"a\",\"type\":\"string\"}");
        Schema changed = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"long\"}");

        var problems = SchemaCompatibility.checkBackward(Map.of("t.R", old), Map.of("t.R", changed));

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.reason()).contains("b"));
    }

    @Test
    void acceptsANewFieldWithDefault() {
        Schema old = record("{\"name\":\"a\",\"type\":\"string\"}");
        Schema changed = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"long\",\"default\":0}");

        assertThat(SchemaCompatibility.checkBackward(Map.of("t.R", old), Map.of("t.R", changed))).isEmpty();
    }

    @Test
    void detectsARemovedSchema() {
        Schema old = record("{\"name\":\"a\",\"type\":\"string\"}");

        assertThat(SchemaCompatibility.checkBackward(Map.of("t.R", old), Map.of()))
                .singleElement().satisfies(p -> assertThat(p.reason()).contains("removed"));
    }

    @Test
    void detectsANarrowedType() {
        Schema old = record("{\"name\":\"a\",\"type\":\"long\"}");
        Schema changed = record("{\"name\":\"a\",\"type\":\"int\"}");

        assertThat(SchemaCompatibility.checkBackward(Map.of("t.R", old), Map.of("t.R", changed))).hasSize(1);
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}");
    }
}
