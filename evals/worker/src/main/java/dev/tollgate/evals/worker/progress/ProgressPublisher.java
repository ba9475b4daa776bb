package dev.tollgate.evals.worker.progress;

import dev.tollgate.control.v1.EvalProgress;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Publishes where a run or backfill stands to the compacted {@code tollgate.eval-progress.v1}, keyed by its id,
 * which every gateway replica follows for the admin API. Progress while a job works is sent without waiting; the
 * final state is awaited, so a job is reported complete only once the broker has it.
 */
@ApplicationScoped
public class ProgressPublisher {

    private static final Logger LOG = Logger.getLogger(ProgressPublisher.class);

    private final KafkaProducer<String, SpecificRecord> producer;

    @Inject
    ProgressPublisher(KafkaClients clients) {
        this.producer = clients.producer("tollgate-evals-progress");
    }

    /** What a job reports. */
    public record Report(String jobId, String kind, String status, long total, long sent, long succeeded,
                         long skipped, long failed, String verdict, String detail) {

        EvalProgress toAvro() {
            return new EvalProgress(jobId, kind, status, total, sent, succeeded, skipped, failed, verdict, detail,
                    Instant.now());
        }
    }

    /** Sends {@code report} without waiting. */
    public void update(Report report) {
        producer.send(new ProducerRecord<>(Topics.EVAL_PROGRESS, report.jobId(), report.toAvro()));
    }

    /** Sends the final {@code report} and waits until the broker has it. */
    public void finish(Report report) throws Exception {
        producer.send(new ProducerRecord<>(Topics.EVAL_PROGRESS, report.jobId(), report.toAvro())).get();
        LOG.infof("event=eval_job_finished job=%s kind=%s status=%s verdict=%s total=%d succeeded=%d skipped=%d "
                        + "failed=%d", report.jobId(), report.kind(), report.status(), report.verdict(), report.total(),
                report.succeeded(), report.skipped(), report.failed());
    }

    void stop(@Observes ShutdownEvent ignored) {
        producer.close(Duration.ofSeconds(5));
    }
}
