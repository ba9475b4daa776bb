package dev.tollgate.bench.streams;

import static dev.tollgate.bench.ReportJson.round;
import static dev.tollgate.bench.ReportJson.toJson;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tollgate.bench.ThreadCpu;
import dev.tollgate.events.v1.BudgetDefinition;
import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.schemas.AvroSerdes;
import dev.tollgate.schemas.Topics;
import dev.tollgate.streams.rollups.RollupTopology;
import dev.tollgate.streams.topology.StreamsApplication;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streams benchmark: how fast the real streams app ({@code streams/target/quarkus-app/quarkus-run.jar}, all
 * capabilities, {@code exactly_once_v2}) works through a backlog compared with a plain consumer of the same topic,
 * and how far behind live traffic its outputs are.
 *
 * <ol>
 *   <li>Starts a real KRaft broker and the real Apicurio Registry (child JVMs, from the local platform) and creates
 *       the contract topics.</li>
 *   <li>Publishes the budget definitions, then a backlog of {@code --events} Avro usage events
 *       ({@link UsageWorkload}) to {@code tollgate.usage.v1}, timestamped over the last hour.</li>
 *   <li>(a) A plain {@link KafkaConsumer} with the same Apicurio Avro deserializer reads all of it.</li>
 *   <li>(a') Each {@code --floors} stage of {@link StreamsFloor} (Kafka Streams with the app's settings, doing only
 *       the decode, or only the app's intake of decode and dedupe; {@code warm-} first passes over the backlog once
 *       unmeasured) works through it from scratch, measured like (b): what any Kafka Streams app with exactly-once
 *       costs before Tollgate's capabilities.</li>
 *   <li>(b) The streams app starts from scratch (fresh state, fresh group) and works through it; the rate is
 *       measured from its consumer group's committed offsets, until they reach the end of the usage topic and of
 *       the endpoint repartition topic.</li>
 *   <li>(d) With {@code --scale-out}, before (c): {@link ScaleOutPhase}. Two instances of the app (separate JVMs,
 *       one fresh group) work through the same backlog from scratch; their combined rate, measured like (b), the
 *       usage partitions each owned, and whether the last value of every key of their budget states, threshold
 *       events, rollups, usage totals and budget spend equals (b)'s. The bench exits with 1 if it does not, or if
 *       an instance owned no usage partition.</li>
 *   <li>(c) Live traffic at {@code --live-rate} events/s: the lag from each event's publish (its record timestamp,
 *       which the app keeps on its outputs) to the committed budget state and rollup records it produces, read
 *       with {@code read_committed}.</li>
 *   <li>(e) With {@code --gateway-seconds}: the real gateway and the vLLM simulator beside them, at the gateway's
 *       maximum closed-loop rate; budget freshness per usage event during the load, the time the app takes to
 *       catch up after it, and the gateway's CPU per request next to the app's CPU per event
 *       ({@link GatewayLoadPhase}).</li>
 * </ol>
 *
 * Both rates count from the first record each reader got, so neither includes JVM start-up or group joins; the
 * report gives the streams app's figure from process start as well. Every figure comes from the same run, on the
 * same broker, with the same data.
 */
@Command(name = "tollgate-streams-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Backlog throughput and live end-to-end lag of the streams app against a real broker.")
public final class StreamsBench implements Callable<Integer> {

    /**
     * The app's own names, compile-time constants that javac copies here: this JVM runs without the streams app on
     * its class path, so nothing may load a streams class at run time.
     */
    static final String APPLICATION_ID = StreamsApplication.APPLICATION_ID;
    private static final String REPARTITION_TOPIC = repartitionTopic(APPLICATION_ID);
    /** By name: this JVM has no Kafka Streams, so it must not load {@link StreamsFloor}, only start it. */
    static final String FLOOR_MAIN = "dev.tollgate.bench.streams.StreamsFloor";

    @Option(names = "--events", defaultValue = "1000000", description = "Backlog size (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--orgs", defaultValue = "300", description = "Orgs (default: ${DEFAULT-VALUE}).")
    int orgs;

    @Option(names = "--keys-per-org", defaultValue = "8", description = "API keys per org (default: ${DEFAULT-VALUE}).")
    int keysPerOrg;

    @Option(names = "--duplicate-share", defaultValue = "0.005",
            description = "Share of re-delivered events (default: ${DEFAULT-VALUE}).")
    double duplicateShare;

    @Option(names = "--live-rate", defaultValue = "5000", description = "Live events/s (default: ${DEFAULT-VALUE}).")
    int liveRate;

    @Option(names = "--live-seconds", defaultValue = "60", description = "Measured live seconds (default: ${DEFAULT-VALUE}).")
    int liveSeconds;

    @Option(names = "--live-warmup-seconds", defaultValue = "10",
            description = "Live seconds not measured (default: ${DEFAULT-VALUE}).")
    int liveWarmupSeconds;

    @Option(names = "--streams-heap", defaultValue = "1g", description = "Streams app -Xmx (default: ${DEFAULT-VALUE}).")
    String streamsHeap;

    @Option(names = "--streams-opt", description = "Extra -D setting for the streams app, e.g. "
            + "kafka-streams.commit.interval.ms=100; repeatable.")
    List<String> streamsOptions = List.of();

    @Option(names = "--streams-jvm-opt", description = "Extra JVM option for the streams app, e.g. "
            + "-XX:StartFlightRecording=filename=app.jfr; repeatable.")
    List<String> streamsJvmOptions = List.of();

    @Option(names = "--floors", split = ",", defaultValue = StreamsFloor.DECODE + ","
            + StreamsFloor.WARM + StreamsFloor.DECODE + "," + StreamsFloor.INTAKE,
            description = "Stages of StreamsFloor to measure before the app, comma separated; empty for none "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> floors = List.of();

    @Option(names = "--warm-app", description = "Publish a second backlog of as many events, in the hour after the "
            + "first, and measure the app on it too, warm: (b) is then the first backlog only, and (b-warm) the "
            + "second, on the JVM the first one warmed (default: off).")
    boolean warmApp;

    /** The sum of the usage topic's end offsets after the first backlog (the whole topic without --warm-app). */
    private long firstBacklogEnd;

    @Option(names = "--scale-out", description = "After (b), run (d): two app JVMs in one fresh group work through "
            + "the backlog, and their final outputs are compared with (b)'s (default: off).")
    boolean scaleOut;

    /** Where (b) began on the output topics it shares with the floors (set before (b) when scaling out). */
    Map<TopicPartition, Long> outputsBeforeApp = Map.of();

    @Mixin
    GatewayLoadPhase.Options gateway = new GatewayLoadPhase.Options();

    @Option(names = "--work-dir", required = true, description = "Where the broker, registry and app keep data and logs.")
    Path workDir;

    @Option(names = "--report", description = "Also write the figures as JSON here.")
    Path reportFile;

    final Map<String, Object> report = new LinkedHashMap<>();
    /** False when (d) found two instances' outputs differ from one's, or one instance got no partition. */
    private boolean scaledOutAsOne = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        machine("before");
        try (KafkaBroker kafka = new KafkaBroker(new KafkaBroker.Config(Ports.freePort(), Ports.freePort(),
                workDir.resolve("kafka"), "1g")).start();
                ApicurioRegistry registry = new ApicurioRegistry(
                        ApicurioRegistry.Config.ephemeral(workDir.resolve("registry"))).start()) {
            kafka.createTopics(Topics.all());
            Instant backlogEnd = Instant.now();
            long distinct = publishBacklog(kafka.bootstrapServers(), registry.url(), backlogEnd);
            try (Admin admin = kafka.admin()) {
                firstBacklogEnd = usageEnd(admin);
            }
            if (warmApp) {
                publishSecondBacklog(kafka.bootstrapServers(), registry.url(), backlogEnd);
            }
            report.put("distinct_events", distinct);
            long plainRate = plainConsumer(kafka.bootstrapServers(), registry.url());
            for (String stage : floors) {
                if (!stage.isBlank()) {
                    floor(kafka, registry.url(), stage.strip(), plainRate);
                }
            }
            outputsBeforeApp = scaleOut ? ScaleOutPhase.sharedOutputsEnd(kafka.bootstrapServers()) : Map.of();
            try (ChildJvm streams = startStreams(kafka.bootstrapServers(), registry.url())) {
                Backlog cold = streamsBacklog(kafka, streams);
                report.put("streams_to_plain_ratio", round((double) cold.rate() / plainRate, 3));
                System.out.printf(Locale.ROOT, "streams/plain: %.1f %%%n", 100.0 * cold.rate() / plainRate);
                // (d) works through every backlog, so it is compared with one instance's rate over all of them.
                long singleRate = cold.rate();
                if (warmApp) {
                    Backlog warm = warmStreamsBacklog(kafka, streams);
                    singleRate = Math.round((cold.events() + warm.events()) / (cold.seconds() + warm.seconds()));
                }
                // Before (c): live traffic would add events that (b)'s outputs do not count.
                scaledOutAsOne = !scaleOut || new ScaleOutPhase(this, kafka, registry.url()).run(singleRate, streams);
                live(kafka.bootstrapServers(), registry.url(), streams);
                if (gateway.seconds > 0) {
                    new GatewayLoadPhase(gateway, kafka, registry.url(), streams, APPLICATION_ID, workDir, report).run();
                }
            }
        }
        machine("after");
        if (reportFile != null) {
            Files.createDirectories(reportFile.toAbsolutePath().getParent());
            Files.writeString(reportFile, toJson(report) + "\n");
        }
        return scaledOutAsOne ? 0 : 1;
    }

    /** Publishes the budgets and the backlog; returns the number of distinct event ids in the backlog. */
    private long publishBacklog(String bootstrap, String registryUrl, Instant end) throws Exception {
        UsageWorkload workload = new UsageWorkload(42, orgs, keysPerOrg, duplicateShare);
        long started = System.nanoTime();
        long distinct;
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            for (BudgetDefinition budget : workload.budgets(end.minus(Duration.ofHours(2)))) {
                producer.send(new ProducerRecord<>(Topics.BUDGETS, budget.getBudgetId(), budget));
            }
            producer.flush();
            // The hour before now, or before the second backlog's hour with --warm-app.
            distinct = sendUsageHour(producer, workload, end.minus(Duration.ofHours(warmApp ? 1 : 0)));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        report.put("backlog_events", events);
        report.put("backlog_publish_seconds", round(seconds, 1));
        System.out.printf(Locale.ROOT, "backlog: %,d events (%,d distinct) published in %.1f s%n", events, distinct,
                seconds);
        return distinct;
    }

    /**
     * With --warm-app: as many events again, from another seed of the same workload, spread over the hour before
     * {@code end} (the first backlog then takes the hour before that), so that the app meets them in time order
     * after the first, with the same windows open and the same lateness.
     */
    private void publishSecondBacklog(String bootstrap, String registryUrl, Instant end) throws Exception {
        UsageWorkload workload = new UsageWorkload(43, orgs, keysPerOrg, duplicateShare);
        long started = System.nanoTime();
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            sendUsageHour(producer, workload, end);
        }
        System.out.printf(Locale.ROOT, "second backlog (--warm-app): %,d events published in %.1f s%n", events,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Sends {@code --events} usage events of {@code workload}, spread evenly over the hour before {@code end} (60
     * one-minute windows, one or two hours, one or two days), and flushes; returns the number of distinct event ids.
     */
    private long sendUsageHour(KafkaProducer<String, SpecificRecord> producer, UsageWorkload workload, Instant end) {
        long spanMs = Duration.ofHours(1).toMillis();
        long startMs = end.toEpochMilli() - spanMs;
        long distinct = 0;
        String lastId = null;
        for (int i = 0; i < events; i++) {
            UsageEvent event = workload.next(Instant.ofEpochMilli(startMs + spanMs * i / events));
            if (!event.getEventId().equals(lastId)) {
                distinct++;
            }
            lastId = event.getEventId();
            producer.send(new ProducerRecord<>(Topics.USAGE, null, event.getCompletedAt().toEpochMilli(),
                    event.getOrgId(), event));
        }
        producer.flush();
        return distinct;
    }

    /** (a): events/s of a plain consumer with the Avro deserializer, from its first record to the last. */
    private long plainConsumer(String bootstrap, String registryUrl) {
        AvroKafkaDeserializer<UsageEvent> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(AvroSerdes.deserializerConfig(registryUrl), false);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-consumer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long read = 0;
        long checksum = 0;
        long first = 0;
        try (KafkaConsumer<String, UsageEvent> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(Topics.USAGE));
            while (read < events) {
                ConsumerRecords<String, UsageEvent> records = consumer.poll(Duration.ofMillis(500));
                if (first == 0 && !records.isEmpty()) {
                    first = System.nanoTime();
                }
                for (ConsumerRecord<String, UsageEvent> record : records) {
                    checksum += record.value().getCostMicros();
                    read++;
                }
            }
        }
        double seconds = (System.nanoTime() - first) / 1e9;
        long rate = Math.round(read / seconds);
        report.put("plain_consumer_events_per_second", rate);
        report.put("plain_consumer_seconds", round(seconds, 2));
        System.out.printf(Locale.ROOT, "(a) plain consumer: %,d events in %.2f s = %,d events/s (cost sum %d)%n",
                read, seconds, rate, checksum);
        return rate;
    }

    private ChildJvm startStreams(String bootstrap, String registryUrl) {
        int port = Ports.freePort();
        ChildJvm app = launchStreams("streams", bootstrap, registryUrl, port, List.of());
        report.put("streams_jvm", "-Xmx" + streamsHeap + " -XX:+UseParallelGC");
        report.put("streams_options", streamsOptions);
        awaitReady(app, port);
        return app;
    }

    /**
     * Starts the streams app in a child JVM named {@code name}, with the bench's heap, options and JVM options, its
     * state in {@code <work-dir>/<name>-state} and its log in {@code <work-dir>/<name>.log}; does not wait for it.
     */
    ChildJvm launchStreams(String name, String bootstrap, String registryUrl, int port, List<String> settings) {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + streamsHeap, "-XX:+UseParallelGC",
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dtollgate.registry.url=" + registryUrl,
                "-Dquarkus.http.port=" + port,
                "-Dkafka-streams.state.dir=" + workDir.resolve(name + "-state"),
                "-Dkafka-streams.num.standby.replicas=0"));
        settings.forEach(setting -> jvmArgs.add("-D" + setting));
        streamsOptions.forEach(option -> jvmArgs.add("-D" + option));
        jvmArgs.addAll(streamsJvmOptions);
        Path runner = LocalInstallation.fromBuild().quarkusApp("streams");
        return ChildJvm.start(new ChildJvm.Spec(name, jvmArgs, List.of("-jar", runner.toString()), List.of(),
                workDir.resolve(name + ".log"), Map.of()));
    }

    /** Waits until the app started by {@link #launchStreams} on {@code port} reports ready. */
    static void awaitReady(ChildJvm app, int port) {
        app.awaitReady(Duration.ofSeconds(120), () -> Http.answers200("http://127.0.0.1:" + port + "/q/health/ready"));
    }

    /** The endpoint rollups' repartition topic, which Kafka Streams names after the application id. */
    static String repartitionTopic(String applicationId) {
        return applicationId + "-" + RollupTopology.ENDPOINT_REPARTITION + "-repartition";
    }

    /**
     * (a'): events/s of one {@link StreamsFloor} stage through the backlog, measured like (b), in a child JVM on
     * the streams app's own jars.
     */
    private void floor(KafkaBroker kafka, String registryUrl, String stage, long plainRate) throws Exception {
        Path app = LocalInstallation.fromBuild().quarkusApp("streams").getParent();
        String classPath = String.join(File.pathSeparator,
                Path.of(StreamsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                app.resolve("app").resolve("*").toString(), app.resolve("lib").resolve("boot").resolve("*").toString(),
                app.resolve("lib").resolve("main").resolve("*").toString());
        List<String> jvmArgs = List.of("-Xmx" + streamsHeap, "-XX:+UseParallelGC",
                "-Dfloor.commit.interval.ms=" + Integer.getInteger("floor.commit.interval.ms", 1000));
        List<String> args = List.of(stage, kafka.bootstrapServers(), registryUrl,
                workDir.resolve("floor-state-" + stage).toString());
        try (ChildJvm floor = ChildJvm.start(new ChildJvm.Spec("floor-" + stage, jvmArgs,
                List.of("-cp", classPath, FLOOR_MAIN), args,
                workDir.resolve("floor-" + stage + ".log"), Map.of()))) {
            Backlog backlog = followBacklog(kafka, StreamsFloor.APPLICATION_ID_PREFIX + stage, List.of(floor), null,
                    firstBacklogEnd);
            String prefix = "floor_" + stage.replace('-', '_') + "_";
            boolean warm = stage.startsWith(StreamsFloor.WARM);
            report.put(prefix + "events_per_second", backlog.rate());
            report.put(prefix + "seconds_from_first_commit", round(backlog.seconds(), 2));
            if (!warm) { // a warm floor's CPU would include its unmeasured first pass
                report.put(prefix + "cpu_seconds", round(backlog.cpuSeconds(), 1));
            }
            report.put(prefix + "to_plain_ratio", round((double) backlog.rate() / plainRate, 3));
            System.out.printf(Locale.ROOT, "(a') floor %s: %,d events in %.2f s after its first commit = %,d "
                    + "events/s = %.1f %% of plain (%.1f CPU-s%s)%n", stage, backlog.events(), backlog.seconds(),
                    backlog.rate(), 100.0 * backlog.rate() / plainRate, backlog.cpuSeconds(),
                    warm ? ", with its unmeasured first pass" : "");
        }
    }

    /**
     * (b): events/s of the streams app through the backlog, from the first committed offset it reports to the
     * moment its committed offsets reach the end of the usage topic and of its repartition topic.
     */
    private Backlog streamsBacklog(KafkaBroker kafka, ChildJvm streams) throws Exception {
        // With --warm-app the repartition topic keeps growing with the second backlog, so (b) ends on the usage
        // topic alone; the endpoint partials of its last commit are still in flight then.
        Backlog backlog = followBacklog(kafka, APPLICATION_ID, List.of(streams), warmApp ? null : REPARTITION_TOPIC,
                firstBacklogEnd);
        report.put("streams_events_per_second", backlog.rate());
        report.put("streams_seconds_from_first_commit", round(backlog.seconds(), 2));
        report.put("streams_usage_topic_done_seconds", round(backlog.usageDoneSeconds(), 2));
        report.put("streams_seconds_from_ready", round(backlog.wallSeconds(), 2));
        report.put("streams_cpu_seconds", round(backlog.cpuSeconds(), 1));
        System.out.printf(Locale.ROOT, "(b) streams app: %,d events in %.2f s after its first commit = %,d "
                + "events/s (usage topic done after %.2f s; %.1f s from ready; %.1f CPU-s)%n",
                backlog.events(), backlog.seconds(), backlog.rate(), backlog.usageDoneSeconds(),
                backlog.wallSeconds(), backlog.cpuSeconds());
        reportThreads("streams_cpu_seconds_by_thread", backlog.cpuByThread());
        return backlog;
    }

    /**
     * (b-warm), with --warm-app: the same app JVM, warmed by the first backlog, through the second; from the first
     * committed offsets seen after (b) to the end of the usage and repartition topics.
     */
    private Backlog warmStreamsBacklog(KafkaBroker kafka, ChildJvm streams) throws Exception {
        Backlog backlog = followBacklog(kafka, APPLICATION_ID, List.of(streams), REPARTITION_TOPIC, 0);
        report.put("streams_warm_events_per_second", backlog.rate());
        report.put("streams_warm_seconds", round(backlog.seconds(), 2));
        report.put("streams_warm_cpu_seconds", round(backlog.cpuSeconds(), 1));
        System.out.printf(Locale.ROOT, "(b-warm) streams app, warm, second backlog: %,d events in %.2f s = %,d "
                + "events/s (%.1f CPU-s)%n", backlog.events(), backlog.seconds(), backlog.rate(),
                backlog.cpuSeconds());
        reportThreads("streams_warm_cpu_seconds_by_thread", backlog.cpuByThread());
        return backlog;
    }

    /**
     * How one Kafka Streams app (one or more instances in one group) worked through the backlog.
     *
     * @param events           events counted: from the first committed offsets seen to the last (the usage
     *                         topic's end, or past until)
     * @param seconds          from the first committed offset until done
     * @param usageDoneSeconds from the first committed offset until the usage topic alone was done
     * @param wallSeconds      from the start of the watch (the app ready) until done
     * @param cpuSeconds       the app's CPU over the watch, all instances together
     * @param cpuByThread      the same, in milliseconds by kind of thread ({@link ThreadCpu})
     * @param cpuSecondsByApp  the CPU of each instance over the watch, in the order they were given
     */
    record Backlog(long events, double seconds, double usageDoneSeconds, double wallSeconds,
            double cpuSeconds, Map<String, Long> cpuByThread, List<Double> cpuSecondsByApp) {

        long rate() {
            return Math.round(events / seconds);
        }
    }

    /**
     * Watches the committed offsets of {@code group}, whose members run in {@code apps}, every 50 ms until they
     * reach the end of the usage topic (or, when {@code until} is positive, that many usage offsets in all) and,
     * when given, of {@code repartitionTopic}; the app's transactions commit offsets together with its outputs, so a
     * committed offset is work done.
     */
    static Backlog followBacklog(KafkaBroker kafka, String group, List<ChildJvm> apps, String repartitionTopic,
            long until) throws Exception {
        long processStart = System.nanoTime();
        try (Admin admin = kafka.admin()) {
            long total = until > 0 ? until : usageEnd(admin);
            long firstAt = 0;
            long firstCommitted = 0;
            // With until, every event committed counts, also those past until: a task runs ahead on a partition
            // whose next records it has fetched while another partition's are still on their way, so the group
            // reaches until having done more than until; counting only up to it understated the rate.
            long lastCommitted = 0;
            long usageDoneAt = 0;
            List<Long> cpuBefore = apps.stream().map(app -> ThreadCpu.processMillis(app.pid())).toList();
            List<Map<String, Long>> threadsBefore = apps.stream().map(app -> ThreadCpu.snapshot(app.pid())).toList();
            while (true) {
                for (ChildJvm app : apps) {
                    if (!app.isAlive()) {
                        throw new IllegalStateException(app.name() + " died:\n" + app.logTail(40));
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long usageCommitted = sum(committed, Topics.USAGE);
                lastCommitted = usageCommitted;
                long now = System.nanoTime();
                if (firstAt == 0 && usageCommitted > 0) {
                    firstAt = now;
                    firstCommitted = usageCommitted;
                }
                if (usageDoneAt == 0 && usageCommitted >= total) {
                    usageDoneAt = now;
                }
                if (usageDoneAt != 0 && (repartitionTopic == null
                        || caughtUp(admin, repartitionTopic, committed))) {
                    break;
                }
                if (now - processStart > TimeUnit.MINUTES.toNanos(30)) {
                    throw new IllegalStateException(group + " did not process the backlog within 30 minutes");
                }
                Thread.sleep(50);
            }
            long doneAt = System.nanoTime();
            List<Double> cpuByApp = new ArrayList<>();
            Map<String, Long> byThread = new HashMap<>();
            for (int i = 0; i < apps.size(); i++) {
                cpuByApp.add((ThreadCpu.processMillis(apps.get(i).pid()) - cpuBefore.get(i)) / 1000.0);
                ThreadCpu.between(threadsBefore.get(i), ThreadCpu.snapshot(apps.get(i).pid()))
                        .forEach((kind, millis) -> byThread.merge(kind, millis, Long::sum));
            }
            return new Backlog(lastCommitted - firstCommitted, (doneAt - firstAt) / 1e9, (usageDoneAt - firstAt) / 1e9,
                    (doneAt - processStart) / 1e9, cpuByApp.stream().mapToDouble(Double::doubleValue).sum(),
                    ThreadCpu.between(Map.of(), byThread), cpuByApp);
        }
    }

    /**
     * (c): publishes at {@code --live-rate} and measures, for every committed budget state and rollup record, the
     * time from the publish of the event that caused it (the record timestamp, kept by the app) to its arrival.
     */
    private void live(String bootstrap, String registryUrl, ChildJvm streams) throws Exception {
        Histogram budgetLag = new Histogram(60_000, 3);
        Histogram rollupLag = new Histogram(60_000, 3);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        long warmupEndMs = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(liveWarmupSeconds);
        long endMs = warmupEndMs + TimeUnit.SECONDS.toMillis(liveSeconds);
        try (KafkaConsumer<String, byte[]> outputs = outputConsumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.BUDGET_STATE, Topics.ROLLUPS)) {
                for (PartitionInfo info : outputs.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            outputs.assign(partitions);
            outputs.seekToEnd(partitions);
            partitions.forEach(outputs::position);
            Thread producer = new Thread(() -> produceLive(bootstrap, registryUrl, endMs, producing, sent),
                    "live-producer");
            producer.start();
            long drainUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < drainUntil) {
                for (ConsumerRecord<String, byte[]> record : outputs.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (record.timestamp() >= warmupEndMs && record.timestamp() < endMs) {
                        Histogram lag = Topics.BUDGET_STATE.equals(record.topic()) ? budgetLag : rollupLag;
                        lag.recordValue(Math.min(lag.getHighestTrackableValue(), Math.max(0, now - record.timestamp())));
                    }
                }
                if (!producing.get() && drainUntil == Long.MAX_VALUE) {
                    drainUntil = System.currentTimeMillis() + 10_000;
                }
            }
            producer.join();
        }
        if (!streams.isAlive()) {
            throw new IllegalStateException("the streams app died:\n" + streams.logTail(40));
        }
        report.put("live_rate_target", liveRate);
        report.put("live_events_sent", sent.get());
        report.put("live_budget_state_lag_ms", percentiles(budgetLag));
        report.put("live_rollup_lag_ms", percentiles(rollupLag));
        System.out.printf(Locale.ROOT, "(c) live at %,d events/s for %d s (%,d sent): budget state lag %s; "
                + "rollup lag %s%n", liveRate, liveSeconds, sent.get(), percentiles(budgetLag),
                percentiles(rollupLag));
    }

    /** Sends {@code liveRate} events per second, due one by one (no bursts beyond a millisecond), until endMs. */
    private void produceLive(String bootstrap, String registryUrl, long endMs, AtomicBoolean producing,
            AtomicLong sent) {
        UsageWorkload workload = new UsageWorkload(7, orgs, keysPerOrg, duplicateShare);
        try (KafkaProducer<String, SpecificRecord> producer = producer(bootstrap, registryUrl)) {
            long start = System.nanoTime();
            long i = 0;
            while (System.currentTimeMillis() < endMs) {
                long due = start + i * 1_000_000_000L / liveRate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, 1_000_000));
                    continue;
                }
                long now = System.currentTimeMillis();
                UsageEvent event = workload.next(Instant.ofEpochMilli(now));
                // A re-delivery (same event id) is dropped by the app's dedupe, so it produces no output to time.
                producer.send(new ProducerRecord<>(Topics.USAGE, null, now, event.getOrgId(), event));
                sent.incrementAndGet();
                i++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producing.set(false);
        }
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

    static KafkaConsumer<String, byte[]> outputConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** How many usage events the topic holds: the sum of its partitions' end offsets. */
    private static long usageEnd(Admin admin) throws Exception {
        return endOffsets(admin, Topics.USAGE).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Whether the app has committed its repartition topic up to the end. A transactional writer ends each
     * partition with a commit marker, which takes an offset no consumer sees, so one offset short counts as done.
     */
    private static boolean caughtUp(Admin admin, String repartitionTopic,
            Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
        for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, repartitionTopic).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            long at = offset == null ? 0 : offset.offset();
            if (end.getValue() - at > 1) {
                return false;
            }
        }
        return true;
    }

    private static long sum(Map<TopicPartition, OffsetAndMetadata> committed, String topic) {
        return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /**
     * The streams app's CPU in (b) by kind of thread: how much went to the stream thread's own work, and how much to
     * the JIT, the producer's I/O thread, GC and RocksDB, none of which a JFR profile of Java code shows.
     */
    private void reportThreads(String reportKey, Map<String, Long> byThread) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        byThread.forEach((kind, millis) -> seconds.put(kind, round(millis / 1000.0, 1)));
        report.put(reportKey, seconds);
        StringBuilder line = new StringBuilder("    CPU-s by thread:");
        seconds.entrySet().stream().limit(6)
                .forEach(e -> line.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(','));
        System.out.println(line.substring(0, line.length() - 1));
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

    /** Count, p50, p99, p99.9 and max of a lag histogram, as every phase reports them. */
    static Map<String, Object> percentiles(Histogram histogram) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("count", histogram.getTotalCount());
        values.put("p50", histogram.getValueAtPercentile(50));
        values.put("p99", histogram.getValueAtPercentile(99));
        values.put("p999", histogram.getValueAtPercentile(99.9));
        values.put("max", histogram.getMaxValue());
        return values;
    }
}
