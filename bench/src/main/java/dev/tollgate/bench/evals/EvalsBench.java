package dev.tollgate.bench.evals;

import static dev.tollgate.bench.ReportJson.round;
import static dev.tollgate.bench.ReportJson.toJson;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tollgate.bench.ThreadCpu;
import dev.tollgate.control.v1.EvalBackfillSpec;
import dev.tollgate.control.v1.EvalProgress;
import dev.tollgate.control.v1.EvaluatorSnapshot;
import dev.tollgate.control.v1.EvaluatorState;
import dev.tollgate.evals.contract.EvalContract;
import dev.tollgate.events.v1.EvalJob;
import dev.tollgate.events.v1.EvalScore;
import dev.tollgate.events.v1.RequestEvent;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.evals.EvalsTopology;
import dev.tollgate.streams.topology.StreamsApplication;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The evals benchmark (issue #16, section 6), on a real broker and registry, in one run:
 * <ol>
 *   <li><b>Deterministic scoring.</b> Five live evaluators ({@link BenchEvaluators}) on
 *       {@code tollgate.evaluators.v1}; a backlog of {@code --events} answered chat completions with content
 *       ({@link RequestWorkload}) on {@code tollgate.requests.v1}. Then (a) a plain {@link KafkaConsumer} with the
 *       Apicurio Avro deserializer reads it; (a') each {@code --floors} stage of the streams benchmark's
 *       {@code StreamsFloor} ({@code requests}: Kafka Streams with the app's settings, reading and decoding with the
 *       app's {@code RequestRecordDecoder}, nothing more) works through it; (b) the real streams app
 *       ({@code quarkus-run.jar}, all capabilities) works through it, until its group has committed the whole
 *       requests topic and its own score topic and score repartition topic (it re-reads its scores to dedupe and
 *       aggregate them). The score records are then counted, with their distinct score ids.</li>
 *   <li><b>Backfill.</b> The streams app stopped, the evals worker ({@code quarkus-run.jar}) started, an
 *       {@link EvalBackfillSpec} for one of the five evaluator versions over the backlog's whole time range is
 *       published; the rate comes from the worker's progress reports on {@code tollgate.eval-progress.v1}, and is
 *       checked against the backfill scores that arrive on {@code tollgate.eval-scores.v1}.</li>
 *   <li><b>Judge.</b> For each {@code --judge-concurrency}, a worker with that limit whose gateway URL points
 *       straight at the vLLM simulator (in this JVM, {@code --judge-ttft-ms} and {@code --judge-itl-ms}), and
 *       {@code --judge-jobs} {@link EvalJob}s for an {@code llm_judge} evaluator published on
 *       {@code tollgate.eval-jobs.v1}: judge scores/s until all are on {@code tollgate.eval-scores.v1}, against the
 *       theoretical concurrency / latency.</li>
 * </ol>
 * Every stage runs alone on the machine: the streams app is stopped before the worker starts.
 */
@Command(name = "tollgate-evals-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deterministic scoring, backfill and judge throughput of evals against a real broker.")
public final class EvalsBench implements Callable<Integer> {

    /** Compile-time constants, copied by javac: no streams class is loaded in this JVM. */
    private static final String APPLICATION_ID = StreamsApplication.APPLICATION_ID;
    private static final String SCORES_REPARTITION =
            StreamsApplication.APPLICATION_ID + "-" + EvalsTopology.BY_EVALUATOR + "-repartition";
    private static final String FLOOR_MAIN = "dev.tollgate.bench.streams.StreamsFloor";
    private static final String FLOOR_GROUP_PREFIX = "tollgate-floor-";

    @Option(names = "--events", defaultValue = "200000", description = "Backlog size (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--orgs", defaultValue = "50", description = "Orgs (default: ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--floors", split = ",", defaultValue = "requests,warm-requests",
            description = "StreamsFloor stages to measure before the app; empty for none (default: ${DEFAULT-VALUE}).")
    List<String> floors = List.of();

    @Option(names = "--streams-heap", defaultValue = "1g", description = "Streams app -Xmx (default: ${DEFAULT-VALUE}).")
    String streamsHeap;

    @Option(names = "--worker-heap", defaultValue = "512m", description = "Evals worker -Xmx (default: ${DEFAULT-VALUE}).")
    String workerHeap;

    @Option(names = "--backfill-evaluator", defaultValue = "answer-schema",
            description = "Which of the five evaluators the backfill runs (default: ${DEFAULT-VALUE}).")
    String backfillEvaluator;

    @Option(names = "--judge-jobs", defaultValue = "2000", description = "Judge jobs per setting (default: ${DEFAULT-VALUE}).")
    int judgeJobs;

    @Option(names = "--judge-concurrency", split = ",", defaultValue = "16,64",
            description = "Worker judge concurrency limits, one measurement each; 16 is the worker's default "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> judgeConcurrency = List.of();

    @Option(names = "--judge-ttft-ms", defaultValue = "150", description = "Simulator time to first token "
            + "(default: ${DEFAULT-VALUE}).")
    int judgeTtftMs;

    @Option(names = "--judge-itl-ms", defaultValue = "10", description = "Simulator inter-token latency "
            + "(default: ${DEFAULT-VALUE}).")
    int judgeItlMs;

    @Option(names = "--judge-tokens", defaultValue = "32", description = "Judge max_tokens, which the simulator "
            + "answers in full (default: ${DEFAULT-VALUE}).")
    int judgeTokens;

    @Option(names = "--work-dir", required = true, description = "Where the broker, registry and apps keep data and logs.")
    Path workDir;

    @Option(names = "--report", description = "Also write the figures as JSON here.")
    Path reportFile;

    private final Map<String, Object> report = new LinkedHashMap<>();
    private Instant backlogStart;
    private Instant backlogEnd;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EvalsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        machine("before");
        try (KafkaBroker kafka = new KafkaBroker(new KafkaBroker.Config(Ports.freePort(), Ports.freePort(),
                workDir.resolve("kafka"), "1g")).start();
                ApicurioRegistry registry = new ApicurioRegistry(
                        ApicurioRegistry.Config.ephemeral(workDir.resolve("registry"))).start();
                Admin admin = kafka.admin()) {
            kafka.createTopics(Topics.all());
            String bootstrap = kafka.bootstrapServers();
            List<EvaluatorState> evaluators = BenchEvaluators.live(Instant.now().minus(Duration.ofDays(1)));
            publishBacklog(bootstrap, registry.url(), evaluators);
            long plain = plainConsumer(bootstrap, registry.url());
            Long decodeFloor = null;
            for (String stage : floors) {
                if (!stage.isBlank()) {
                    long rate = floor(admin, bootstrap, registry.url(), stage.strip(), plain);
                    decodeFloor = decodeFloor == null ? rate : decodeFloor;
                }
            }
            streamsApp(admin, bootstrap, registry.url(), plain, decodeFloor, evaluators.size());
            try (VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1")
                    .withPort(0).withServedModelNames(BenchEvaluators.JUDGE_MODEL)
                    .withTimeToFirstToken(Duration.ofMillis(judgeTtftMs))
                    .withInterTokenLatency(Duration.ofMillis(judgeItlMs)).withOutputTokens(judgeTokens))) {
                for (int i = 0; i < judgeConcurrency.size(); i++) {
                    int concurrency = judgeConcurrency.get(i);
                    int port = Ports.freePort();
                    try (ChildJvm worker = startWorker(bootstrap, registry.url(), simulator.baseUrl(), concurrency,
                            port)) {
                        if (i == 0) {
                            backfill(bootstrap, registry.url(), evaluators);
                        }
                        judge(bootstrap, registry.url(), worker, port, concurrency);
                    }
                }
            }
        }
        machine("after");
        if (reportFile != null) {
            Files.createDirectories(reportFile.toAbsolutePath().getParent());
            Files.writeString(reportFile, toJson(report) + "\n");
        }
        return 0;
    }

    /** The evaluators, then the backlog, timestamped evenly over the hour before now. */
    private void publishBacklog(String bootstrap, String registryUrl, List<EvaluatorState> evaluators) {
        RequestWorkload workload = new RequestWorkload(42, orgs);
        long started = System.nanoTime();
        long bytes = 0;
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            for (EvaluatorState evaluator : evaluators) {
                producer.send(new ProducerRecord<>(Topics.EVALUATORS, evaluator.getEvaluatorId(), evaluator));
            }
            producer.flush();
            backlogEnd = Instant.now();
            long spanMs = Duration.ofHours(1).toMillis();
            backlogStart = backlogEnd.minusMillis(spanMs);
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sizes =
                    new ArrayList<>();
            for (int i = 0; i < events; i++) {
                RequestEvent event = workload.next(backlogStart.plusMillis(spanMs * i / events));
                var sent = producer.send(new ProducerRecord<>(Topics.REQUESTS, null,
                        event.getCompletedAt().toEpochMilli(), event.getOrgId(), event));
                if (i % 1000 == 0) {
                    sizes.add(sent);
                }
            }
            producer.flush();
            for (var size : sizes) {
                bytes += size.get().serializedValueSize();
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing the backlog failed", e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long meanBytes = bytes / Math.max(1, (events + 999) / 1000);
        report.put("backlog_events", events);
        report.put("backlog_mean_value_bytes", meanBytes);
        report.put("backlog_publish_seconds", round(seconds, 1));
        report.put("evaluators", evaluators.stream().map(e -> e.getEvaluatorId() + " (" + e.getType() + ")").toList());
        System.out.printf(Locale.ROOT, "backlog: %,d request events (mean value %,d bytes) published in %.1f s; "
                + "%d evaluators%n", events, meanBytes, seconds, evaluators.size());
    }

    /** (a): events/s of a plain consumer with the Avro deserializer, from its first record to the last. */
    private long plainConsumer(String bootstrap, String registryUrl) {
        AvroKafkaDeserializer<RequestEvent> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        long read = 0;
        long checksum = 0;
        long first = 0;
        try (KafkaConsumer<String, RequestEvent> consumer = new KafkaConsumer<>(consumerConfig(bootstrap,
                "bench-plain-consumer"), new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(Topics.REQUESTS));
            while (read < events) {
                ConsumerRecords<String, RequestEvent> records = consumer.poll(Duration.ofMillis(500));
                if (first == 0 && !records.isEmpty()) {
                    first = System.nanoTime();
                }
                for (ConsumerRecord<String, RequestEvent> record : records) {
                    String output = record.value().getContent().getOutputText();
                    checksum += output == null ? 0 : output.length();
                    read++;
                }
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        long rate = Math.round(read / seconds);
        report.put("plain_consumer_events_per_second", rate);
        System.out.printf(Locale.ROOT, "(a) plain consumer: %,d events in %.2f s = %,d events/s (output chars %d)%n",
                read, seconds, rate, checksum);
        return rate;
    }

    /** (a'): events/s of one StreamsFloor stage, in a child JVM on the streams app's own jars. */
    private long floor(Admin admin, String bootstrap, String registryUrl, String stage, long plain) throws Exception {
        Path app = LocalInstallation.fromBuild().quarkusApp("streams").getParent();
        String classPath = String.join(File.pathSeparator,
                Path.of(EvalsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                app.resolve("app").resolve("*").toString(), app.resolve("lib").resolve("boot").resolve("*").toString(),
                app.resolve("lib").resolve("main").resolve("*").toString());
        List<String> args = List.of(stage, bootstrap, registryUrl, workDir.resolve("floor-state-" + stage).toString());
        try (ChildJvm floor = ChildJvm.start(new ChildJvm.Spec("floor-" + stage,
                List.of("-Xmx" + streamsHeap, "-XX:+UseParallelGC"), List.of("-cp", classPath, FLOOR_MAIN), args,
                workDir.resolve("floor-" + stage + ".log"), Map.of()))) {
            CommittedProgress.Done done = CommittedProgress.follow(admin, FLOOR_GROUP_PREFIX + stage, floor,
                    Topics.REQUESTS, List.of());
            String prefix = "floor_" + stage.replace('-', '_') + "_";
            report.put(prefix + "events_per_second", done.rate());
            report.put(prefix + "to_plain_ratio", round((double) done.rate() / plain, 3));
            System.out.printf(Locale.ROOT, "(a') floor %s: %,d events in %.2f s after its first commit = %,d "
                    + "events/s = %.1f %% of plain%n", stage, done.events(), done.seconds(), done.rate(),
                    100.0 * done.rate() / plain);
            return done.rate();
        }
    }

    /** (b): the streams app through the backlog, then the score records it wrote, counted. */
    private void streamsApp(Admin admin, String bootstrap, String registryUrl, long plain, Long decodeFloor,
            int evaluators) throws Exception {
        int port = Ports.freePort();
        List<String> jvmArgs = List.of("-Xmx" + streamsHeap, "-XX:+UseParallelGC",
                "-Dkafka.bootstrap.servers=" + bootstrap, "-Dtollgate.registry.url=" + registryUrl,
                "-Dquarkus.http.port=" + port, "-Dkafka-streams.state.dir=" + workDir.resolve("streams-state"),
                "-Dkafka-streams.num.standby.replicas=0");
        Path runner = LocalInstallation.fromBuild().quarkusApp("streams");
        CommittedProgress.Done done;
        try (ChildJvm streams = ChildJvm.start(new ChildJvm.Spec("streams", jvmArgs,
                List.of("-jar", runner.toString()), List.of(), workDir.resolve("streams.log"), Map.of()))) {
            streams.awaitReady(Duration.ofSeconds(120),
                    () -> Http.answers200("http://127.0.0.1:" + port + "/q/health/ready"));
            done = CommittedProgress.follow(admin, APPLICATION_ID, streams, Topics.REQUESTS,
                    List.of(Topics.EVAL_SCORES, SCORES_REPARTITION));
        }
        report.put("streams_events_per_second", done.rate());
        report.put("streams_scores_per_second", Math.round(done.events() * evaluators / done.seconds()));
        report.put("streams_seconds_from_first_commit", round(done.seconds(), 2));
        report.put("streams_requests_done_seconds", round(done.sourceDoneSeconds(), 2));
        report.put("streams_seconds_from_ready", round(done.wallSeconds(), 2));
        report.put("streams_cpu_seconds", round(done.cpuSeconds(), 1));
        report.put("streams_to_plain_ratio", round((double) done.rate() / plain, 3));
        if (decodeFloor != null) {
            report.put("streams_to_decode_floor_ratio", round((double) done.rate() / decodeFloor, 3));
        }
        System.out.printf(Locale.ROOT, "(b) streams app: %,d requests in %.2f s after its first commit = %,d "
                + "requests/s (requests committed after %.2f s; %.1f s from ready; %.1f CPU-s) = %.1f %% of plain%s%n",
                done.events(), done.seconds(), done.rate(), done.sourceDoneSeconds(), done.wallSeconds(),
                done.cpuSeconds(), 100.0 * done.rate() / plain, decodeFloor == null ? ""
                        : String.format(Locale.ROOT, ", %.1f %% of the decode floor", 100.0 * done.rate() / decodeFloor));
        Map<String, Double> threads = new LinkedHashMap<>();
        done.cpuByThread().entrySet().stream().limit(6)
                .forEach(e -> threads.put(e.getKey(), round(e.getValue() / 1000.0, 1)));
        report.put("streams_cpu_seconds_by_thread", threads);
        System.out.println("    CPU-s by thread: " + threads);
        countScores(bootstrap);
    }

    /** Every committed score record on the score topic, with its distinct score ids, by evaluator. */
    private void countScores(String bootstrap) {
        long records = 0;
        Set<String> ids = new HashSet<>(events * 7);
        Map<String, Long> byEvaluator = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = rawConsumer(bootstrap)) {
            List<TopicPartition> partitions = partitions(consumer, Topics.EVAL_SCORES);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    ids.add(record.key());
                    byEvaluator.merge(record.key().substring(0, record.key().indexOf(':')), 1L, Long::sum);
                }
            }
        }
        report.put("streams_score_records", records);
        report.put("streams_distinct_score_ids", ids.size());
        report.put("streams_score_records_by_evaluator", byEvaluator);
        System.out.printf(Locale.ROOT, "    score records: %,d (%,d distinct score ids; backlog x 5 = %,d): %s%n",
                records, ids.size(), 5L * events, byEvaluator);
    }

    private ChildJvm startWorker(String bootstrap, String registryUrl, String gatewayUrl, int concurrency, int port) {
        List<String> jvmArgs = List.of("-Xmx" + workerHeap, "-XX:+UseParallelGC",
                "-Dkafka.bootstrap.servers=" + bootstrap, "-Dtollgate.registry.url=" + registryUrl,
                "-Dquarkus.http.port=" + port, "-Dtollgate.evals.gateway.url=" + gatewayUrl,
                // Nothing here asks the streams app (only dataset runs do): any URL passes the worker's checks.
                "-Dtollgate.evals.streams.url=http://127.0.0.1:9",
                "-Dtollgate.evals.judge.concurrency=" + concurrency);
        Path runner = LocalInstallation.fromBuild().quarkusApp("evals/worker");
        ChildJvm worker = ChildJvm.start(new ChildJvm.Spec("evals-worker-" + concurrency, jvmArgs,
                List.of("-jar", runner.toString()), List.of(), workDir.resolve("evals-worker-" + concurrency + ".log"),
                // The simulator checks no key; the worker requires one and keeps it out of the command line.
                Map.of("TOLLGATE_EVALS_GATEWAY_API_KEY", "tg_bench_not_checked")));
        try {
            worker.awaitReady(Duration.ofSeconds(120),
                    () -> Http.answers200("http://127.0.0.1:" + port + "/q/health/ready"));
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    /**
     * (2): one deterministic evaluator version over the backlog's whole time range; the rate from the worker's
     * progress reports, checked against the backfill's score records.
     */
    private void backfill(String bootstrap, String registryUrl, List<EvaluatorState> evaluators) throws Exception {
        EvaluatorState evaluator = evaluators.stream().filter(e -> e.getEvaluatorId().equals(backfillEvaluator))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no evaluator " + backfillEvaluator));
        String backfillId = "bench-backfill-" + evaluator.getEvaluatorId();
        EvalBackfillSpec spec = new EvalBackfillSpec();
        spec.setBackfillId(backfillId);
        spec.setEvaluator(BenchEvaluators.snapshot(evaluator));
        spec.setSelector(BenchEvaluators.everything());
        spec.setSamplingRate(1.0);
        spec.setFromTime(backlogStart);
        spec.setToTime(backlogEnd.plusMillis(1));
        spec.setFromOffsets(Map.of());
        spec.setToOffsets(Map.of());
        spec.setCreatedAt(Instant.now());

        AvroKafkaDeserializer<EvalProgress> progressDecoder = new AvroKafkaDeserializer<>();
        progressDecoder.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        try (KafkaConsumer<String, byte[]> progressConsumer = rawConsumer(bootstrap);
                KafkaConsumer<String, byte[]> scoreConsumer = rawConsumer(bootstrap);
                KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            atEnd(progressConsumer, Topics.EVAL_PROGRESS);
            atEnd(scoreConsumer, Topics.EVAL_SCORES);
            long publishedMs = System.currentTimeMillis();
            producer.send(new ProducerRecord<>(Topics.EVAL_BACKFILLS, backfillId, spec)).get();
            EvalProgress firstRunning = null;
            EvalProgress last = null;
            int reports = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            while (last == null || !isFinal(last)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the backfill did not finish within 20 minutes: " + last);
                }
                for (ConsumerRecord<String, byte[]> record : progressConsumer.poll(Duration.ofMillis(200))) {
                    if (!backfillId.equals(record.key()) || record.value() == null) {
                        continue;
                    }
                    EvalProgress progress = progressDecoder.deserialize(record.topic(), record.headers(),
                            record.value());
                    reports++;
                    if (firstRunning == null && "running".equals(progress.getStatus()) && progress.getSent() > 0) {
                        firstRunning = progress;
                    }
                    last = progress;
                }
            }
            if (!"completed".equals(last.getStatus())) {
                throw new IllegalStateException("the backfill ended " + last.getStatus() + ": " + last.getDetail());
            }
            // The score records: the worker flushed them before it reported completion.
            long scores = 0;
            long firstScoreMs = Long.MAX_VALUE;
            long lastScoreMs = 0;
            String prefix = evaluator.getEvaluatorId() + ":" + evaluator.getVersion() + ":";
            List<TopicPartition> partitions = new ArrayList<>(scoreConsumer.assignment());
            Map<TopicPartition, Long> ends = scoreConsumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> scoreConsumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : scoreConsumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.key().startsWith(prefix)) {
                        scores++;
                        firstScoreMs = Math.min(firstScoreMs, record.timestamp());
                        lastScoreMs = Math.max(lastScoreMs, record.timestamp());
                    }
                }
            }
            long doneMs = last.getUpdatedAt().toEpochMilli();
            double progressSeconds = firstRunning == null ? Double.NaN
                    : (doneMs - firstRunning.getUpdatedAt().toEpochMilli()) / 1000.0;
            long progressRate = firstRunning == null ? 0
                    : Math.round((last.getSent() - firstRunning.getSent()) / progressSeconds);
            long overallRate = Math.round(last.getSent() / ((doneMs - publishedMs) / 1000.0));
            long scoreRate = Math.round((scores - 1) / ((lastScoreMs - firstScoreMs) / 1000.0));
            report.put("backfill_evaluator", evaluator.getEvaluatorId() + " (" + evaluator.getType() + ")");
            report.put("backfill_total", last.getTotal());
            report.put("backfill_read", last.getSent());
            report.put("backfill_scored", last.getSucceeded());
            report.put("backfill_skipped", last.getSkipped());
            report.put("backfill_failed", last.getFailed());
            report.put("backfill_progress_reports", reports);
            report.put("backfill_records_per_second", progressRate);
            report.put("backfill_records_per_second_from_publish", overallRate);
            report.put("backfill_score_records", scores);
            report.put("backfill_scores_per_second_first_to_last", scoreRate);
            System.out.printf(Locale.ROOT, "(2) backfill of %s: %s, read %,d of %,d, scored %,d, skipped %,d, "
                    + "failed %,d; %,d records/s between the first running report and completed (%.1f s); %,d/s "
                    + "from the spec's publish; %,d score records, %,d/s first to last%n",
                    evaluator.getEvaluatorId(), last.getStatus(), last.getSent(), last.getTotal(),
                    last.getSucceeded(), last.getSkipped(), last.getFailed(), progressRate, progressSeconds,
                    overallRate, scores, scoreRate);
        } finally {
            progressDecoder.close();
        }
    }

    private static boolean isFinal(EvalProgress progress) {
        return "completed".equals(progress.getStatus()) || "failed".equals(progress.getStatus());
    }

    /**
     * (3): {@code --judge-jobs} jobs for a judge evaluator of its own (so its scores are told apart by score id),
     * published at once; judge scores/s from the first job's publish to the last score's arrival.
     */
    private void judge(String bootstrap, String registryUrl, ChildJvm worker, int port, int concurrency)
            throws Exception {
        EvaluatorSnapshot judge = BenchEvaluators.judge("judge-c" + concurrency, judgeTokens);
        String prefix = judge.getEvaluatorId() + ":" + judge.getVersion() + ":";
        RequestWorkload workload = new RequestWorkload(1000 + concurrency, orgs);
        AvroKafkaDeserializer<EvalScore> scoreDecoder = new AvroKafkaDeserializer<>();
        scoreDecoder.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        long cpuBefore = ThreadCpu.processMillis(worker.pid());
        try (KafkaConsumer<String, byte[]> scores = rawConsumer(bootstrap);
                KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            atEnd(scores, Topics.EVAL_SCORES);
            List<EvalJob> jobs = new ArrayList<>(judgeJobs);
            for (int i = 0; i < judgeJobs; i++) {
                RequestEvent request = workload.next(Instant.now());
                jobs.add(EvalContract.job(judge, request, EvalContract.input(request, null), EvalContract.LIVE,
                        Instant.now()));
            }
            long start = System.nanoTime();
            for (EvalJob job : jobs) {
                producer.send(new ProducerRecord<>(Topics.EVAL_JOBS, job.getScoreId(), job));
            }
            producer.flush();
            long published = System.nanoTime();
            Set<String> seen = new HashSet<>();
            Map<String, Long> errors = new TreeMap<>();
            long firstScore = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (seen.size() < judgeJobs) {
                if (System.nanoTime() > deadline || !worker.isAlive()) {
                    throw new IllegalStateException("judge scores missing: " + seen.size() + " of " + judgeJobs
                            + "\n" + worker.logTail(30));
                }
                for (ConsumerRecord<String, byte[]> record : scores.poll(Duration.ofMillis(100))) {
                    if (record.key() == null || !record.key().startsWith(prefix)) {
                        continue;
                    }
                    if (firstScore == 0) {
                        firstScore = System.nanoTime();
                    }
                    seen.add(record.key());
                    EvalScore score = scoreDecoder.deserialize(record.topic(), record.headers(), record.value());
                    if (score.getError() != null) {
                        errors.merge(score.getError(), 1L, Long::sum);
                    }
                }
            }
            long done = System.nanoTime();
            double seconds = (done - start) / 1e9;
            long rate = Math.round(judgeJobs / seconds);
            double latencyMs = judgeTtftMs + (judgeTokens - 1) * (double) judgeItlMs;
            double theoretical = concurrency / (latencyMs / 1000.0);
            String key = "judge_c" + concurrency + "_";
            report.put(key + "jobs", judgeJobs);
            report.put(key + "scores_per_second", rate);
            report.put(key + "seconds", round(seconds, 2));
            report.put(key + "publish_seconds", round((published - start) / 1e9, 2));
            report.put(key + "first_score_ms", Math.round((firstScore - start) / 1e6));
            report.put(key + "theoretical_scores_per_second", round(theoretical, 1));
            report.put(key + "to_theoretical_ratio", round(rate / theoretical, 3));
            report.put(key + "error_scores", errors);
            report.put(key + "worker_cpu_seconds", round((ThreadCpu.processMillis(worker.pid()) - cpuBefore) / 1000.0,
                    1));
            Map<String, Double> latency = workerLatency(port);
            report.put(key + "worker_latency_seconds", latency);
            System.out.printf(Locale.ROOT, "(3) judge, concurrency %d: %,d scores in %.2f s = %,d scores/s; "
                    + "theoretical %d / %.0f ms = %.1f/s (%.1f %%); first score after %d ms; error scores %s; "
                    + "worker latency %s%n", concurrency, judgeJobs, seconds, rate, concurrency, latencyMs, theoretical,
                    100.0 * rate / theoretical, Math.round((firstScore - start) / 1e6), errors, latency);
        } finally {
            scoreDecoder.close();
        }
    }

    /** The worker's own judge latency quantiles (poll to score), from its Prometheus endpoint; empty if absent. */
    private static Map<String, Double> workerLatency(int port) {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : response.body().split("\n")) {
                if (line.startsWith("tollgate_evals_judge_latency_seconds{") && line.contains("quantile=\"")) {
                    int q = line.indexOf("quantile=\"") + "quantile=\"".length();
                    quantiles.put("p" + line.substring(q, line.indexOf('"', q)),
                            round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), 3));
                }
            }
        } catch (IOException | RuntimeException e) {
            return quantiles;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return quantiles;
    }

    private static void atEnd(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = partitions(consumer, topic);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    private static Map<String, Object> consumerConfig(String bootstrap, String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    private static KafkaConsumer<String, byte[]> rawConsumer(String bootstrap) {
        Map<String, Object> config = consumerConfig(bootstrap, null);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, SpecificRecord> producer(String bootstrap, String registryUrl) {
        AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(AvroSerdes.serializerConfig(registryUrl), false);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    private void machine(String when) {
        try {
            report.put("load_average_" + when, Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ("before".equals(when)) {
            report.put("cores", Runtime.getRuntime().availableProcessors());
            report.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        }
    }
}
