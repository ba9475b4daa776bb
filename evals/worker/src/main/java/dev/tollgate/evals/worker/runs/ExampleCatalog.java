package dev.tollgate.evals.worker.runs;

import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.evals.worker.kafka.ConsumerLoop;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Every dataset example, followed from the compacted {@code tollgate.dataset-examples.v1} into memory (replayed
 * from the beginning, no consumer group), so that a run knows what to send without asking the gateway's database.
 * A run waits until the replay has reached the end offsets seen at start.
 */
@ApplicationScoped
public class ExampleCatalog {

    private static final Logger LOG = Logger.getLogger(ExampleCatalog.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClients clients;
    private final Map<String, DatasetExample> examples = new ConcurrentHashMap<>();
    private final CountDownLatch replayed = new CountDownLatch(1);
    private ConsumerLoop loop;

    @Inject
    ExampleCatalog(KafkaClients clients) {
        this.clients = clients;
    }

    void start(@Observes StartupEvent ignored) {
        loop = new ConsumerLoop("tollgate-evals-examples", () -> clients.rawConsumer("tollgate-evals-examples", null,
                500, Duration.ofMinutes(5).toMillis()), this::follow);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    /** Waits up to {@code timeout} for the replay of what was published before start; false if not done yet. */
    public boolean awaitReplayed(Duration timeout) throws InterruptedException {
        return replayed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The examples of {@code datasetId}, by example id. */
    public List<DatasetExample> examples(String datasetId) {
        String prefix = datasetId + "/";
        return examples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .sorted(Comparator.comparing(DatasetExample::getExampleId)).toList();
    }

    private void follow(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.DATASET_EXAMPLES).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        try (AvroKafkaDeserializer<DatasetExample> values = clients.deserializer()) {
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    apply(values, record);
                }
                if (replayed.getCount() > 0 && ends.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    replayed.countDown();
                    LOG.infof("event=examples_replayed examples=%d", examples.size());
                }
            }
        }
    }

    private void apply(AvroKafkaDeserializer<DatasetExample> values, ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            examples.remove(record.key());
            return;
        }
        try {
            examples.put(record.key(), values.deserialize(record.topic(), record.headers(), record.value()));
        } catch (RuntimeException e) {
            LOG.warnf("event=example_ignored key=%s reason=\"%s\"", record.key(), e.getMessage());
        }
    }
}
