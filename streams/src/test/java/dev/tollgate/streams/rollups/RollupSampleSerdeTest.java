package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class RollupSampleSerdeTest {

    @Test
    void roundTripsEveryFieldIncludingAbsentOnes() {
        RollupSample full = new RollupSample("acme", "llama-3-8b", "key-1", "ep-1", "OK", 200, 120, 30, 4_500, 812,
                95L);
        RollupSample sparse = new RollupSample("ünï", "m", "k", null, "UPSTREAM_ERROR", 502, 0, 0, 0, 3, null);

        assertThat(RollupSampleSerde.decode(RollupSampleSerde.encode(full))).isEqualTo(full);
        assertThat(RollupSampleSerde.decode(RollupSampleSerde.encode(sparse))).isEqualTo(sparse);
    }

    @Test
    void readsTheFormerJsonFormat() {
        String json = "{\"org_id\":\"acme\",\"model\":\"m1\",\"key_id\":\"k1\",\"endpoint_id\":\"e1\",\"status\":\"OK\","
                + "\"http_status\":200,\"prompt_tokens\":100,\"completion_tokens\":20,\"cost_micros\":1000,"
                + "\"latency_ms\":250,\"ttft_ms\":null}";

        assertThat(RollupSampleSerde.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new RollupSample("acme", "m1", "k1", "e1", "OK", 200, 100, 20, 1_000, 250, null));
    }

    @Test
    void rejectsAnUnknownOrTruncatedValue() {
        byte[] bytes = RollupSampleSerde.encode(new RollupSample("a", "m", "k", "e", "OK", 200, 1, 1, 1, 1, 1L));
        assertThatThrownBy(() -> RollupSampleSerde.decode(Arrays.copyOf(bytes, bytes.length - 2)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> RollupSampleSerde.decode(new byte[] {7})).isInstanceOf(SerializationException.class);
    }
}
