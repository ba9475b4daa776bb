package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.tollgate.streams.sketch.LatencySketch;

class RollupSerdeTest {

    private static RollupSample sample(String status, int httpStatus, long latency, Long ttft) {
        return new RollupSample("acme", "m1", "k1", null, "e1", status, httpStatus, 100, 20, 1_500, latency, ttft);
    }

    @Test
    void roundTripsEveryField() {
        Rollup rollup = Rollup.empty().addAll(List.of(sample("OK", 200, 250, 80L),
                sample("UPSTREAM_ERROR", 502, 1_200, null), sample("OK", 200, 3_000_000, 5L)));

        Rollup read = RollupSerde.decode(RollupSerde.encode(rollup));

        assertThat(read.requests()).isEqualTo(3);
        assertThat(read.errors()).isEqualTo(1);
        assertThat(read.errorsByStatus()).isEqualTo(Map.of("502", 1L));
        assertThat(read.promptTokens()).isEqualTo(300);
        assertThat(read.completionTokens()).isEqualTo(60);
        assertThat(read.costMicros()).isEqualTo(4_500);
        assertThat(read.latencySketch().percentilesAndMax(0, 50, 100))
                .containsExactly(rollup.latencySketch().percentilesAndMax(0, 50, 100));
        assertThat(read.ttftSketch().totalCount()).isEqualTo(2);
        assertThat(read.ttftSketch().percentilesAndMax(50)).containsExactly(5, 80);
    }

    @Test
    void keepsAnAbsentTimeToFirstTokenAbsentAndIsCompact() {
        Rollup rollup = Rollup.empty().add(sample("OK", 200, 250, null));

        byte[] bytes = RollupSerde.encode(rollup);

        assertThat(RollupSerde.decode(bytes).ttftSketch()).isNull();
        assertThat(bytes[0]).isEqualTo((byte) RollupSerde.FORMAT_V1);
        assertThat(bytes.length).isLessThan(20);
    }

    @Test
    void ignoresFieldsAppendedByANewerVersion() {
        byte[] bytes = RollupSerde.encode(Rollup.empty().add(sample("OK", 200, 250, null)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);

        assertThat(RollupSerde.decode(longer).requests()).isEqualTo(1);
    }

    @Test
    void readsTheFormerJsonFormat() {
        Histogram latency = new Histogram(1, LatencySketch.MAX_MS, 2);
        latency.recordValue(250);
        latency.recordValue(900);
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoByteBuffer(buffer);
        String sketch = Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
        String json = "{\"requests\":2,\"errors\":1,\"errors_by_status\":{\"502\":1},\"prompt_tokens\":200,"
                + "\"completion_tokens\":40,\"cost_micros\":3000,\"latency_sketch\":\"" + sketch + "\","
                + "\"ttft_sketch\":null,\"added_later\":7}";

        Rollup read = RollupSerde.decode(json.getBytes(StandardCharsets.UTF_8));

        assertThat(read.requests()).isEqualTo(2);
        assertThat(read.errorsByStatus()).isEqualTo(Map.of("502", 1L));
        assertThat(read.costMicros()).isEqualTo(3_000);
        assertThat(read.ttftSketch()).isNull();
        assertThat(read.latencySketch().percentilesAndMax(50, 100)).containsExactly(250, 903, 903);
        // and it is written back in the binary format
        assertThat(RollupSerde.encode(read)[0]).isEqualTo((byte) RollupSerde.FORMAT_V1);
    }

    @Test
    void rejectsAnUnknownOrTruncatedValue() {
        assertThatThrownBy(() -> RollupSerde.decode(new byte[] {9, 1})).isInstanceOf(SerializationException.class);
        byte[] bytes = RollupSerde.encode(Rollup.empty().add(sample("OK", 200, 250, 3L)));
        assertThatThrownBy(() -> RollupSerde.decode(Arrays.copyOf(bytes, bytes.length - 2)))
                .isInstanceOf(SerializationException.class);
    }
}
