package dev.tollgate.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceIdsTest {

    @Test
    void generatesLowercaseHexIdsOfOpenTelemetryLength() {
        Set<String> traces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String trace = TraceIds.newTraceId();
            String span = TraceIds.newSpanId();
            assertThat(trace).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
            assertThat(span).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
            traces.add(trace);
        }
        assertThat(traces).hasSize(1000);
    }

    @Test
    void writesIdsAsZeroPaddedLowercaseHex() {
        assertThat(TraceIds.hex16(0x00f067aa0ba902b7L)).isEqualTo("00f067aa0ba902b7");
        assertThat(TraceIds.hex16(-1L)).isEqualTo("ffffffffffffffff");
        assertThat(TraceIds.hex16(1L)).isEqualTo("0000000000000001");
    }

    @Test
    void takesTheTraceIdAndParentSpanOfAValidTraceparent() {
        TraceIds.Parent parent = TraceIds.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        assertThat(parent).isEqualTo(new TraceIds.Parent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                true));
    }

    @Test
    void readsTheSampledFlagFromTheLowestBitOfTheFlags() {
        assertThat(TraceIds.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").sampled())
                .isFalse();
        assertThat(TraceIds.parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03").sampled())
                .isTrue();
    }

    @Test
    void acceptsAFutureVersionWithExtraFields() {
        assertThat(TraceIds.parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "garbage",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"})
    void ignoresAnInvalidTraceparent(String header) {
        assertThat(TraceIds.parseTraceparent(header)).isNull();
    }

    @Test
    void aTraceJoinsTheCallersTraceOrStartsItsOwn() {
        Trace joined = Trace.start("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", System.nanoTime());
        Trace own = Trace.start(null, System.nanoTime());

        assertThat(joined.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(joined.parentSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(joined.parentSampled()).isTrue();
        assertThat(own.traceId()).matches("[0-9a-f]{32}");
        assertThat(own.parentSpanId()).isNull();
        assertThat(own.parentSampled()).isFalse();
    }
}
