package dev.tollgate.billing;

import dev.tollgate.events.v1.UsageEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * One poll's usage events as columns, ready to bind as SQL arrays (one round trip for the whole batch), and the
 * offset each partition moves to once the batch is committed.
 */
record UsageBatch(int size, String[] eventId, String[] orgId, String[] teamId, String[] keyId, String[] model,
                  String[] endpointId, Integer[] priceVersion, String[] status, String[] usageSource,
                  Long[] promptTokens, Long[] completionTokens, Long[] cachedTokens, Long[] costMicros,
                  Long[] completedAtMs, Integer[] partition, Long[] offset,
                  Map<TopicPartition, Long> nextOffsets) {

    /**
     * The columns of {@code records}, in their order.
     *
     * @throws IllegalStateException for a record without a value: the usage topic never carries one, and billing
     *                               stops rather than skip what it cannot account for
     */
    static UsageBatch of(ConsumerRecords<String, UsageEvent> records) {
        int n = records.count();
        UsageBatch b = new UsageBatch(n, new String[n], new String[n], new String[n], new String[n], new String[n],
                new String[n], new Integer[n], new String[n], new String[n], new Long[n], new Long[n], new Long[n],
                new Long[n], new Long[n], new Integer[n], new Long[n], new LinkedHashMap<>());
        int i = 0;
        for (ConsumerRecord<String, UsageEvent> record : records) {
            UsageEvent e = record.value();
            if (e == null) {
                throw new IllegalStateException("no usage event at " + record.topic() + "-" + record.partition() + "@"
                        + record.offset());
            }
            b.eventId[i] = e.getEventId();
            b.orgId[i] = e.getOrgId();
            b.teamId[i] = e.getTeamId();
            b.keyId[i] = e.getKeyId();
            b.model[i] = e.getModel();
            b.endpointId[i] = e.getEndpointId();
            b.priceVersion[i] = e.getPriceVersion();
            b.status[i] = e.getStatus().name();
            b.usageSource[i] = e.getUsageSource().name();
            b.promptTokens[i] = e.getPromptTokens();
            b.completionTokens[i] = e.getCompletionTokens();
            b.cachedTokens[i] = e.getCachedTokens();
            b.costMicros[i] = e.getCostMicros();
            b.completedAtMs[i] = e.getCompletedAt().toEpochMilli();
            b.partition[i] = record.partition();
            b.offset[i] = record.offset();
            b.nextOffsets.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            i++;
        }
        return b;
    }
}
