package dev.tollgate.evals.worker.backfill;

import dev.tollgate.control.v1.EvalBackfillSpec;
import dev.tollgate.evals.worker.kafka.ConsumerLoop;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.evals.worker.progress.ProgressPublisher;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jboss.logging.Logger;

/**
 * Executes backfills, one at a time per worker, from {@code tollgate.eval-backfills.v1} (consumer group
 * {@value #GROUP}; a backfill's offset is committed once it is finished, so one a worker dropped is run again from
 * its start by the next, adding no score twice). Each runs as a {@link Backfill} with its own consumer of the
 * requests topic and no consumer group, so live scoring is never disturbed.
 */
@ApplicationScoped
public class BackfillExecutor {

    static final String GROUP = "tollgate-evals-backfills";
    private static final Logger LOG = Logger.getLogger(BackfillExecutor.class);
    private static final long MAX_POLL_INTERVAL = Duration.ofHours(6).toMillis();

    private final KafkaClients clients;
    private final ProgressPublisher progress;
    private ConsumerLoop loop;

    @Inject
    BackfillExecutor(KafkaClients clients, ProgressPublisher progress) {
        this.clients = clients;
        this.progress = progress;
    }

    void start(@Observes StartupEvent ignored) {
        loop = new ConsumerLoop("tollgate-evals-backfills", () -> clients.rawConsumer("tollgate-evals-backfills",
                GROUP, 1, MAX_POLL_INTERVAL), this::follow);
        loop.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(10));
        }
    }

    /** Whether the loop runs, for liveness. */
    public boolean alive() {
        return loop != null && loop.alive();
    }

    private void follow(KafkaConsumer<String, byte[]> consumer) throws Exception {
        consumer.subscribe(List.of(Topics.EVAL_BACKFILLS));
        try (AvroKafkaDeserializer<EvalBackfillSpec> specs = clients.deserializer()) {
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        EvalBackfillSpec spec = specs.deserialize(record.topic(), record.headers(), record.value());
                        LOG.infof("event=backfill_started backfill=%s evaluator=%s version=%d", spec.getBackfillId(),
                                spec.getEvaluator().getEvaluatorId(), spec.getEvaluator().getVersion());
                        new Backfill(spec, clients, progress, loop::running).run();
                    }
                    consumer.commitSync();
                }
            }
        }
    }
}
