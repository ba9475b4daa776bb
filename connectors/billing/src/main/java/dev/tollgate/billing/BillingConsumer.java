package dev.tollgate.billing;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@link Topics#USAGE} and bills it into {@link InvoiceStore}, exactly once:
 * <ol>
 *   <li>each poll's records are billed in one database transaction, together with the offsets they end at;</li>
 *   <li>when partitions are assigned (at start, or after a rebalance), the consumer seeks to the offsets stored in
 *       the database, not to Kafka's: the database is the only record of what was billed;</li>
 *   <li>an event id already billed is skipped, so a re-delivered event (a producer retry, a gateway re-publish
 *       after an outage) is billed once.</li>
 * </ol>
 * Kafka's committed offsets are written too, after each database commit, only so that the usual tools show the
 * consumer's lag.
 */
final class BillingConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BillingConsumer.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final KafkaConsumer<String, UsageEvent> kafka;
    private final InvoiceStore store;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private long billed;
    private long duplicates;

    BillingConsumer(BillingConfig config, InvoiceStore store) {
        this.store = store;
        AvroKafkaDeserializer<UsageEvent> values = new AvroKafkaDeserializer<>();
        values.configure(AvroSerdes.deserializerConfig(config.registryUrl()), false);
        Map<String, Object> settings = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.consumer(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        if (config.instanceId() != null) {
            settings.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        }
        this.kafka = new KafkaConsumer<>(settings, new StringDeserializer(), values);
    }

    /** Bills until {@link #close} is called from another thread; a failure ends it, leaving nothing half-billed. */
    void run() throws SQLException {
        kafka.subscribe(List.of(Topics.USAGE), new SeekToStoredOffsets());
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        try {
            while (running.get()) {
                ConsumerRecords<String, UsageEvent> records = kafka.poll(Duration.ofSeconds(1));
                if (!records.isEmpty()) {
                    UsageBatch batch = UsageBatch.of(records);
                    int fresh = store.apply(batch);
                    billed += fresh;
                    duplicates += batch.size() - fresh;
                    kafka.commitAsync(lagOnly(batch), null);
                }
                if (System.nanoTime() > nextProgress) {
                    LOG.infof("event=billing_progress billed=%d duplicates_skipped=%d", billed, duplicates);
                    nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll up
        }
        LOG.infof("event=billing_stopped billed=%d duplicates_skipped=%d", billed, duplicates);
    }

    private static Map<TopicPartition, OffsetAndMetadata> lagOnly(UsageBatch batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.nextOffsets().forEach((tp, next) -> offsets.put(tp, new OffsetAndMetadata(next)));
        return offsets;
    }

    /** Stops the loop; the batch in progress is committed or rolled back whole. */
    void stop() {
        running.set(false);
        kafka.wakeup();
    }

    @Override
    public void close() {
        kafka.close(Duration.ofSeconds(5));
    }

    /** Positions every newly assigned partition at the offset the database has for it, or at its beginning. */
    private final class SeekToStoredOffsets implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            try {
                Map<TopicPartition, Long> stored = store.offsets(partitions);
                List<TopicPartition> fresh = new ArrayList<>();
                for (TopicPartition tp : partitions) {
                    if (stored.containsKey(tp)) {
                        kafka.seek(tp, stored.get(tp));
                    } else {
                        fresh.add(tp);
                    }
                }
                kafka.seekToBeginning(fresh);
                LOG.infof("event=partitions_assigned partitions=%s stored_offsets=%s", partitions, stored);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the stored offsets: " + e.getMessage(), e);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing to flush: every batch is committed to the database before the next poll
        }
    }
}
