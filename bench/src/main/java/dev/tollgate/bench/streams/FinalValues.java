package dev.tollgate.bench.streams;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The last value of every key of a topic, read with {@code read_committed} from given offsets up to the end as it
 * stands when the read starts: what a reader that upserts by key (a compacted topic's reader, a changelog restore)
 * ends up with.
 *
 * @param values the last value of each key; {@code null} for a key whose last record is a tombstone
 * @param end    the offset each partition was read up to, where a later read of the same topic should start
 */
record FinalValues(Map<String, byte[]> values, Map<TopicPartition, Long> end) {

    private static final Duration PATIENCE = Duration.ofMinutes(5);

    /**
     * Reads {@code topic} from {@code from} (partitions not in it from offset 0) to its end. A topic that does not
     * exist reads as empty.
     */
    static FinalValues read(String bootstrap, String topic, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<String, byte[]> consumer = StreamsBench.outputConsumer(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            partitions.forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, 0L)));
            // For a read_committed consumer these are the last stable offsets: no transaction is left half read.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, byte[]> values = new HashMap<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.put(record.key(), record.value());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " within "
                            + PATIENCE);
                }
            }
            return new FinalValues(values, Map.copyOf(end));
        }
    }
}
