package dev.tollgate.streams.usage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import dev.tollgate.events.v1.RequestStatus;

class OrgUsageTotalsSerdeTest {

    private final Serde<OrgUsageTotals> serde = OrgUsageTotalsSerde.create();

    @Test
    void storesTotalsUnderTheDocumentedFieldNames() {
        byte[] json = serde.serializer().serialize("t", new OrgUsageTotals(3, 1, 150, 30, 180, 2_200, 42));

        assertThat(new String(json, UTF_8)).isEqualTo("{\"requests\":3,\"errors\":1,\"prompt_tokens\":150,"
                + "\"completion_tokens\":30,\"total_tokens\":180,\"cost_micros\":2200,\"last_event_at_ms\":42}");
    }

    @Test
    void readsTotalsWrittenByANewerVersionWithExtraFields() {
        byte[] newer = ("{\"requests\":3,\"errors\":1,\"prompt_tokens\":150,\"completion_tokens\":30,"
                + "\"total_tokens\":180,\"cost_micros\":2200,\"last_event_at_ms\":42,\"cached_tokens\":7}")
                .getBytes(UTF_8);

        assertThat(serde.deserializer().deserialize("t", newer))
                .isEqualTo(new OrgUsageTotals(3, 1, 150, 30, 180, 2_200, 42));
    }

    @Test
    void keepsTheLatestCompletionTimeWhenEventsArriveOutOfOrder() {
        Instant t0 = Instant.parse("2026-11-01T10:00:00Z");
        OrgUsageTotals totals = OrgUsageTotals.empty()
                .add(UsageEvents.ok("acme", t0.plusSeconds(10)).build())
                .add(UsageEvents.ok("acme", t0).setStatus(RequestStatus.CANCELLED).build());

        assertThat(totals.lastEventAtMs()).isEqualTo(t0.plusSeconds(10).toEpochMilli());
        assertThat(totals.errors()).isEqualTo(1);
    }
}
