package dev.tollgate.streams.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.tollgate.streams.serde.JsonStoreSerde;

/** The hand-written JSON of the rollups topic must be exactly what Jackson wrote before. */
class RollupViewSerializerTest {

    private static byte[] jackson(RollupView view) {
        return JsonStoreSerde.create(RollupView.class).serializer().serialize("t", view);
    }

    @Test
    void writesTheSameBytesAsJackson() {
        Map<String, Long> statuses = new TreeMap<>(Map.of("502", 3L, "429", 1L));
        List<RollupView> views = List.of(
                RollupView.of(Granularity.HOUR, "org=acme&model=llama-3-8b", 1_763_800_000_000L - 1_763_800_000_000L % 3_600_000,
                        Rollup.empty().addAll(List.of(
                                new RollupSample("acme", "llama-3-8b", "k", null, "e", "OK", 200, 10, 2, 3, 250, 80L),
                                new RollupSample("acme", "llama-3-8b", "k", null, "e", "UPSTREAM_ERROR", 502, 0, 0, 0, 9, null)))),
                RollupView.of(Granularity.MINUTE, "endpoint=ep-1", 0,
                        Rollup.empty().add(new RollupSample("a", "m", "k", null, "ep-1", "OK", 200, 1, 1, 1, 1, null))),
                new RollupView("usage.rollup", "1d", "org=we\"ird\\\u0001", "s", "e", 4, 4, statuses, -1, 0,
                        Long.MAX_VALUE, new RollupView.Percentiles(1, 2, 3, 4, 5), null),
                new RollupView("usage.rollup", "1d", "k", null, "e", 0, 0, null, 0, 0, 0, null,
                        new RollupView.Percentiles(1, 2, 3, 4, 5)));

        for (RollupView view : views) {
            byte[] expected = jackson(view);
            assertThat(new String(new RollupViewSerializer().serialize("t", view), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
    }
}
