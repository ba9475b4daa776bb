package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.events.v1.UsageEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class UsageBatchTest {

    private static final TopicPartition P0 = new TopicPartition("tollgate.usage.v1", 0);
    private static final TopicPartition P3 = new TopicPartition("tollgate.usage.v1", 3);

    @Test
    void turnsRecordsIntoColumnsAndMovesEachPartitionPastItsLastRecord() {
        UsageEvent withTeam = BillingEvents.event("e-1", "acme", "team-a", 2, 1_000);
        UsageEvent withoutTeamOrPrice = BillingEvents.event("e-2", "acme", null, null, 0);
        UsageBatch batch = UsageBatch.of(new ConsumerRecords<>(Map.of(
                P0, List.of(record(P0, 7, withTeam), record(P0, 8, withoutTeamOrPrice)),
                P3, List.of(record(P3, 41, withTeam))), Map.of()));

        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.nextOffsets()).containsEntry(P0, 9L).containsEntry(P3, 42L).hasSize(2);
        int second = List.of(batch.eventId()).indexOf("e-2");
        assertThat(batch.teamId()[second]).isNull();
        assertThat(batch.priceVersion()[second]).isNull();
        assertThat(batch.offset()[second]).isEqualTo(8L);
        int first = List.of(batch.eventId()).indexOf("e-1");
        assertThat(batch.priceVersion()[first]).isEqualTo(2);
        assertThat(batch.costMicros()[first]).isEqualTo(1_000L);
        assertThat(batch.completedAtMs()[first]).isEqualTo(withTeam.getCompletedAt().toEpochMilli());
    }

    @Test
    void refusesARecordWithoutAnEventRatherThanSkipIt() {
        ConsumerRecords<String, UsageEvent> records = new ConsumerRecords<>(Map.of(P0, List.of(record(P0, 5, null))),
                Map.of());

        assertThatThrownBy(() -> UsageBatch.of(records)).hasMessageContaining("tollgate.usage.v1-0@5");
    }

    private static ConsumerRecord<String, UsageEvent> record(TopicPartition tp, long offset, UsageEvent event) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "acme", event);
    }
}
