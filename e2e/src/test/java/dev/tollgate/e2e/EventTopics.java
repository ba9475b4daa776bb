package dev.tollgate.e2e;

import dev.tollgate.events.v1.BudgetLeaseGrant;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what the platform published, from the beginning, decoded through the real registry. */
final class EventTopics {

    private EventTopics() {
    }

    /** Every usage event of {@code orgId} on the usage topic now. */
    static List<UsageEvent> usage(String bootstrap, String registryUrl, String orgId) {
        List<UsageEvent> events = new ArrayList<>();
        for (Object value : readAll(bootstrap, registryUrl, Topics.USAGE)) {
            if (value instanceof UsageEvent e && e.getOrgId().equals(orgId)) {
                events.add(e);
            }
        }
        return events;
    }

    /** Every committed lease grant (answers included) for {@code orgId}. */
    static List<BudgetLeaseGrant> grants(String bootstrap, String registryUrl, String orgId) {
        List<BudgetLeaseGrant> grants = new ArrayList<>();
        for (Object value : readAll(bootstrap, registryUrl, Topics.BUDGET_LEASE_GRANTS)) {
            if (value instanceof BudgetLeaseGrant g && g.getOrgId().equals(orgId)) {
                grants.add(g);
            }
        }
        return grants;
    }

    private static List<Object> readAll(String bootstrap, String registryUrl, String topic) {
        AvroKafkaDeserializer<Object> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        List<Object> read = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        read.add(record.value());
                    }
                }
            }
        }
        return read;
    }
}
