package dev.tollgate.evals.worker.judge;

import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.evals.scoring.Score;
import dev.tollgate.evals.worker.WorkerConfig;
import dev.tollgate.evals.worker.gateway.GatewayClient;
import dev.tollgate.evals.worker.kafka.ConsumerLoop;
import dev.tollgate.evals.worker.kafka.DeadLetters;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Consumes {@code tollgate.eval-jobs.v1} (consumer group {@value #GROUP}) and gives each job its score through the
 * {@link Judge}, with bounded concurrency: a poll takes at most {@code tollgate.evals.judge.concurrency} jobs, all
 * scored at once, and the next poll waits until every one of them is scored and its score acknowledged by the
 * broker; only then are their offsets committed. So a worker that dies re-scores at most one poll's jobs, which
 * the score ids make harmless, and a judge that is slow slows the worker down without ever piling up work.
 * A job that cannot be decoded goes to {@code tollgate.evals-dlq.v1} with the reason.
 */
@ApplicationScoped
public class JudgeWorker {

    static final String GROUP = "tollgate-evals-judge";
    private static final Logger LOG = Logger.getLogger(JudgeWorker.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClients clients;
    private final Judge judge;
    private final int concurrency;
    private final long maxPollInterval;
    private final Counter scored;
    private final Counter errors;
    private final Counter deadLettered;
    private final Timer latency;
    private ConsumerLoop loop;
    private KafkaProducer<String, SpecificRecord> producer;
    private KafkaProducer<String, byte[]> raw;

    @Inject
    JudgeWorker(KafkaClients clients, GatewayClient gateway, WorkerConfig config, MeterRegistry metrics) {
        this.clients = clients;
        WorkerConfig.Judge settings = config.judge();
        this.judge = new Judge(gateway, settings.retries(), settings.backoff());
        this.concurrency = settings.concurrency();
        // Every job of a poll may need its call, every retry and every pause.
        this.maxPollInterval = Math.max(Duration.ofMinutes(5).toMillis(), (settings.retries() + 1)
                * (config.gateway().timeout().toMillis() + (settings.backoff().toMillis() << settings.retries())));
        this.scored = Counter.builder("tollgate.evals.judge.scores").tag("outcome", "scored")
                .description("Judge and embedding scores given, by outcome").register(metrics);
        this.errors = Counter.builder("tollgate.evals.judge.scores").tag("outcome", "error").register(metrics);
        this.deadLettered = Counter.builder("tollgate.evals.judge.dead_letters")
                .description("Eval jobs that could not be decoded, sent to tollgate.evals-dlq.v1").register(metrics);
        this.latency = Timer.builder("tollgate.evals.judge.latency").description("From a job's poll to its score")
                .publishPercentiles(0.5, 0.99).register(metrics);
    }

    void start(@Observes StartupEvent ignored) {
        producer = clients.producer("tollgate-evals-judge-scores");
        raw = clients.rawProducer("tollgate-evals-judge-dlq");
        loop = new ConsumerLoop("tollgate-evals-judge", () -> clients.rawConsumer("tollgate-evals-judge", GROUP,
                concurrency, maxPollInterval), this::follow);
        loop.start();
        LOG.infof("event=judge_started concurrency=%d max_poll_interval_ms=%d", concurrency, maxPollInterval);
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(10));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            raw.close(Duration.ofSeconds(5));
        }
    }

    /** Whether the loop runs, for liveness. */
    public boolean alive() {
        return loop != null && loop.alive();
    }

    private void follow(KafkaConsumer<String, byte[]> consumer) throws Exception {
        consumer.subscribe(List.of(Topics.EVAL_JOBS));
        DeadLetters deadLetters = new DeadLetters(raw, GROUP);
        try (AvroKafkaDeserializer<EvalJob> jobs = clients.deserializer()) {
            while (loop.running()) {
                List<CompletableFuture<?>> batch = new ArrayList<>();
                List<Future<?>> letters = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    EvalJob job = decode(jobs, record, deadLetters, letters);
                    if (job != null) {
                        batch.add(score(job));
                    }
                }
                if (batch.isEmpty() && letters.isEmpty()) {
                    continue;
                }
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get();
                for (Future<?> letter : letters) {
                    letter.get(30, TimeUnit.SECONDS);
                }
                consumer.commitSync();
            }
        }
    }

    private EvalJob decode(AvroKafkaDeserializer<EvalJob> jobs, ConsumerRecord<String, byte[]> record,
                           DeadLetters deadLetters, List<Future<?>> letters) {
        try {
            EvalJob job = record.value() == null ? null : jobs.deserialize(record.topic(), record.headers(),
                    record.value());
            if (job != null) {
                return job;
            }
            letters.add(deadLetters.send(record, "MISSING_VALUE", "record has no value", null));
        } catch (RuntimeException e) {
            letters.add(deadLetters.send(record, "UNDECODABLE", String.valueOf(e.getMessage()), e));
        }
        deadLettered.increment();
        LOG.warnf("event=eval_job_dead_lettered partition=%d offset=%d", record.partition(), record.offset());
        return null;
    }

    /** Scores one job and sends its score; completes once the broker has the score. */
    private CompletableFuture<Void> score(EvalJob job) {
        long start = System.nanoTime();
        return judge.score(job.getEvaluator().getType(), job.getEvaluator().getDefinitionJson(),
                        EvalContract.input(job))
                .thenCompose(score -> send(job, score))
                .whenComplete((ok, error) -> latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    private CompletableFuture<Void> send(EvalJob job, Score score) {
        (score.isError() ? errors : scored).increment();
        if (score.isError()) {
            LOG.warnf("event=judge_error score_id=%s evaluator=%s error=\"%s\"", job.getScoreId(),
                    job.getEvaluator().getEvaluatorId(), score.error());
        }
        EvalScore record = EvalContract.score(job, score, Instant.now());
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.EVAL_SCORES, job.getScoreId(), record), (metadata, error) -> {
            if (error == null) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(error);
            }
        });
        return sent;
    }
}
