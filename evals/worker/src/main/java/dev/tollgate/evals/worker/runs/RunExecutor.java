package dev.tollgate.evals.worker.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.control.v1.DatasetExample;
import dev.tollgate.control.v1.EvalRunSpec;
import dev.tollgate.control.v1.ExampleMessage;
import dev.tollgate.evals.worker.WorkerConfig;
import dev.tollgate.evals.worker.gateway.GatewayClient;
import dev.tollgate.evals.worker.kafka.ConsumerLoop;
import dev.tollgate.evals.worker.kafka.KafkaClients;
import dev.tollgate.evals.worker.progress.ProgressPublisher;
import dev.tollgate.evals.worker.progress.ProgressPublisher.Report;
import dev.tollgate.schemas.Topics;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.jboss.logging.Logger;

/**
 * Executes eval runs, one at a time per worker, from {@code tollgate.eval-runs.v1} (consumer group
 * {@value #GROUP}; the run's offset is committed once it is finished, so a run a worker dropped is executed again by
 * the next one, and every example counts once since the streams app keeps one score per example):
 * <ol>
 *   <li>wait until the streams app knows the run (its requests would otherwise go unscored);</li>
 *   <li>send every example to every model through the gateway, with the run's concurrency, marked with the run
 *       and the example;</li>
 *   <li>wait until every answered request is scored by every evaluator, then report the verdict against the
 *       run's thresholds: {@code failed} when any request failed, since a gate must not pass on partial data.</li>
 * </ol>
 * Progress is published every second to {@code tollgate.eval-progress.v1}.
 */
@ApplicationScoped
public class RunExecutor {

    static final String GROUP = "tollgate-evals-runs";
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KNOWN_TIMEOUT = Duration.ofMinutes(2);
    /** A run may take hours: the group must not give its partition away while it works. */
    private static final long MAX_POLL_INTERVAL = Duration.ofHours(6).toMillis();

    private final KafkaClients clients;
    private final GatewayClient gateway;
    private final ExampleCatalog catalog;
    private final RunResults results;
    private final ProgressPublisher progress;
    private final Duration scoringTimeout;
    private final Duration pollInterval;
    private ConsumerLoop loop;

    @Inject
    RunExecutor(KafkaClients clients, GatewayClient gateway, ExampleCatalog catalog, RunResults results,
                ProgressPublisher progress, WorkerConfig config) {
        this.clients = clients;
        this.gateway = gateway;
        this.catalog = catalog;
        this.results = results;
        this.progress = progress;
        this.scoringTimeout = config.runs().scoringTimeout();
        this.pollInterval = config.runs().pollInterval();
    }

    void start(@Observes StartupEvent ignored) {
        loop = new ConsumerLoop("tollgate-evals-runs", () -> clients.rawConsumer("tollgate-evals-runs", GROUP, 1,
                MAX_POLL_INTERVAL), this::follow);
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
        consumer.subscribe(List.of(Topics.EVAL_RUNS));
        try (AvroKafkaDeserializer<EvalRunSpec> specs = clients.deserializer()) {
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        execute(specs.deserialize(record.topic(), record.headers(), record.value()));
                    }
                    consumer.commitSync();
                }
            }
        }
    }

    /** Executes one run to its end, whatever happens, and reports it. */
    void execute(EvalRunSpec spec) throws Exception {
        String runId = spec.getRunId();
        if (!catalog.awaitReplayed(Duration.ofMinutes(1))) {
            progress.finish(failed(spec, 0, "the dataset examples could not be loaded from Kafka"));
            return;
        }
        List<DatasetExample> examples = catalog.examples(spec.getDatasetId());
        if (examples.isEmpty()) {
            progress.finish(failed(spec, 0, "the dataset '" + spec.getDatasetId() + "' has no example"));
            return;
        }
        long total = (long) examples.size() * spec.getModels().size();
        LOG.infof("event=run_started run=%s dataset=%s models=%s requests=%d", runId, spec.getDatasetId(),
                spec.getModels(), total);
        if (!streamsKnows(runId)) {
            progress.finish(failed(spec, total, "the streams app did not learn of the run within "
                    + KNOWN_TIMEOUT.toSeconds() + " s: its answers could not be scored"));
            return;
        }
        Sent sent = send(spec, examples, total);
        if (sent.failed().get() == total) {
            progress.finish(failed(spec, total, "every request failed; see the gateway's usage events for why"));
            return;
        }
        finishScoring(spec, total, sent);
    }

    private boolean streamsKnows(String runId) throws InterruptedException {
        long deadline = System.nanoTime() + KNOWN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (results.get(runId).isPresent()) {
                return true;
            }
            Thread.sleep(pollInterval.toMillis());
        }
        return false;
    }

    /** What sending came to: answered requests per model, and failures. */
    private record Sent(Map<String, AtomicLong> succeeded, AtomicLong failed, AtomicLong sent) {
        long succeededTotal() {
            return succeeded.values().stream().mapToLong(AtomicLong::get).sum();
        }
    }

    private Sent send(EvalRunSpec spec, List<DatasetExample> examples, long total) throws Exception {
        Map<String, AtomicLong> succeeded = new ConcurrentHashMap<>();
        spec.getModels().forEach(m -> succeeded.put(m, new AtomicLong()));
        Sent sent = new Sent(succeeded, new AtomicLong(), new AtomicLong());
        Semaphore inFlight = new Semaphore(Math.max(1, spec.getConcurrency()));
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        long lastReport = 0;
        for (DatasetExample example : examples) {
            for (String model : spec.getModels()) {
                inFlight.acquire();
                sent.sent().incrementAndGet();
                calls.add(gateway.chat(body(spec, model, example), headers(spec, example))
                        .handle((answer, error) -> {
                            if (error == null && answer.status() == 200) {
                                succeeded.get(model).incrementAndGet();
                            } else {
                                sent.failed().incrementAndGet();
                                LOG.warnf("event=run_request_failed run=%s example=%s model=%s status=%s", spec.getRunId(),
                                        example.getExampleId(), model, error == null ? answer.status() : error);
                            }
                            inFlight.release();
                            return null;
                        }));
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    progress.update(report(spec, "running", total, sent, null, null));
                }
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        progress.update(report(spec, "scoring", total, sent, null, null));
        return sent;
    }

    private void finishScoring(EvalRunSpec spec, long total, Sent sent) throws Exception {
        long deadline = System.nanoTime() + scoringTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JsonNode> result = results.get(spec.getRunId());
            if (result.isPresent() && scored(result.get(), sent)) {
                progress.finish(verdict(spec, total, sent, result.get()));
                return;
            }
            Thread.sleep(pollInterval.toMillis());
        }
        progress.finish(report(spec, "failed", total, sent, "failed", "its answers were not all scored within "
                + scoringTimeout + " (is the evals worker's judge running, and the streams app keeping up?)"));
    }

    /** Whether every evaluator has scored (or failed to score) every answered request of every model. */
    static boolean scored(JsonNode result, Sent sent) {
        for (JsonNode line : result.path("results")) {
            AtomicLong answered = sent.succeeded().get(line.path("model").asText());
            if (answered != null && line.path("scored").asLong() < answered.get()) {
                return false;
            }
        }
        return true;
    }

    private static Report verdict(EvalRunSpec spec, long total, Sent sent, JsonNode result) {
        if (spec.getThresholds().isEmpty()) {
            return report(spec, "completed", total, sent, null, sent.failed().get() == 0 ? null
                    : sent.failed().get() + " request(s) failed and were not scored");
        }
        List<String> missed = new ArrayList<>();
        for (JsonNode threshold : result.path("thresholds")) {
            if (!threshold.path("passed").asBoolean()) {
                missed.add(threshold.path("evaluator_id").asText() + " " + threshold.path("metric").asText() + " of "
                        + threshold.path("model").asText() + " is " + (threshold.path("value").isNull() ? "missing"
                        : threshold.path("value").asText()) + ", below " + threshold.path("min").asText());
            }
        }
        if (sent.failed().get() > 0) {
            missed.add(sent.failed().get() + " request(s) failed and were not scored");
        }
        return report(spec, "completed", total, sent, missed.isEmpty() ? "passed" : "failed",
                missed.isEmpty() ? null : String.join("; ", missed));
    }

    private static ObjectNode body(EvalRunSpec spec, String model, DatasetExample example) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (ExampleMessage message : example.getInputMessages()) {
            messages.addObject().put("role", message.getRole()).put("content", message.getContent());
        }
        if (spec.getMaxTokens() != null) {
            body.put("max_tokens", spec.getMaxTokens());
        }
        if (spec.getTemperature() != null) {
            body.put("temperature", spec.getTemperature());
        }
        return body;
    }

    private static Map<String, String> headers(EvalRunSpec spec, DatasetExample example) {
        Map<String, String> headers = new HashMap<>();
        headers.put("x-tollgate-eval-run", spec.getRunId());
        headers.put("x-tollgate-eval-example", example.getDatasetId() + "/" + example.getExampleId());
        if (spec.getEnvironment() != null) {
            headers.put("x-tollgate-environment", spec.getEnvironment());
        }
        return headers;
    }

    private static Report report(EvalRunSpec spec, String status, long total, Sent sent, String verdict,
                                 String detail) {
        return new Report(spec.getRunId(), "run", status, total, sent.sent().get(), sent.succeededTotal(), 0,
                sent.failed().get(), verdict, detail);
    }

    private static Report failed(EvalRunSpec spec, long total, String detail) {
        return new Report(spec.getRunId(), "run", "failed", total, 0, 0, 0, 0, "failed", detail);
    }
}
