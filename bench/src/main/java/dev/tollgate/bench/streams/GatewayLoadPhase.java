package dev.tollgate.bench.streams;

import static dev.tollgate.bench.ReportJson.round;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.tollgate.bench.LoadGenerator;
import dev.tollgate.bench.LoadResult;
import dev.tollgate.bench.LoadSpec;
import dev.tollgate.bench.ThreadCpu;
import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import dev.tollgate.schemas.Topics;
import picocli.CommandLine.Option;

/**
 * (e) Keeping up with the gateway (issue #21, target 2): the real gateway ({@code gateway/target/quarkus-app}, as the
 * local platform runs it, -Xmx256m) and the vLLM simulator (zero latency, 16 output tokens) beside the run's broker,
 * registry and streams app, driven at the gateway's maximum closed-loop rate; how fresh the budget state stays, and
 * how soon the app has caught up once the load ends.
 *
 * <ol>
 *   <li>Starts PostgreSQL (the gateway's admin state), the simulator (in this JVM, as the local launcher does) and
 *       the gateway, pointed at the run's broker and registry.</li>
 *   <li>Creates {@code --gateway-orgs} orgs, one key each, and a soft daily org budget on each (soft: it never
 *       refuses a request, and it needs no lease from the app; a hard budget would add lease traffic, measured by
 *       run-lease-bench.sh). Content capture is on for them, as it is for the local org the gateway benchmark
 *       drives.</li>
 *   <li>Closed-loop load that is not measured, until the gateway's JIT has settled ({@link #warmUp}), then waits
 *       until the app has caught up.</li>
 *   <li>{@code --gateway-connections} concurrent request loops (the gateway benchmark's maximum-rate figure uses
 *       64), split evenly over the orgs' keys, for {@code --gateway-seconds}.</li>
 * </ol>
 *
 * Figures: the gateway's requests/s and CPU per request (process CPU over the load / the requests its own counter
 * saw); the app's CPU per usage event (process CPU from the start of the load until it has caught up / the usage
 * events the gateway published meanwhile); freshness, per usage event, from its record timestamp (the gateway's
 * publish) to the arrival of the first committed budget state of its org's budget whose timestamp (the app keeps that
 * of the budget's latest event) is at least its own ({@link FreshnessWatch}); and, after the load, the time until
 * the app's lag on the usage topic is under one second of the load's events, until it is zero, and until the budget
 * state reflects the last event. Targets: freshness p99 at most 1 s, lag under 1 s of events within 5 s.
 */
final class GatewayLoadPhase {

    /** The options of this phase, mixed into {@link StreamsBench}'s command line. */
    static final class Options {

        @Option(names = "--gateway-seconds", defaultValue = "0",
                description = "(e) Measured seconds of the gateway at its maximum closed-loop rate; 0 for none "
                        + "(default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--gateway-warmup-seconds", defaultValue = "30",
                description = "(e) Closed-loop seconds not measured, before, at least (default: ${DEFAULT-VALUE}).")
        int warmupSeconds;

        @Option(names = "--gateway-warmup-max-seconds", defaultValue = "180",
                description = "(e) ... and at most, if the gateway's JIT has not settled (default: ${DEFAULT-VALUE}).")
        int warmupMaxSeconds;

        @Option(names = "--gateway-connections", defaultValue = "64",
                description = "(e) Concurrent request loops (default: ${DEFAULT-VALUE}, the gateway benchmark's).")
        int connections;

        @Option(names = "--gateway-orgs", defaultValue = "4",
                description = "(e) Orgs, one key and one soft budget each (default: ${DEFAULT-VALUE}).")
        int orgs;

        @Option(names = "--gateway-heap", defaultValue = "256m",
                description = "(e) Gateway -Xmx (default: ${DEFAULT-VALUE}, the local platform's).")
        String heap;
    }

    static final String MODEL = "sim-llama-3-8b";
    private static final String BODY = "{\"model\":\"" + MODEL + "\",\"max_tokens\":16,\"messages\":[{\"role\":"
            + "\"user\",\"content\":\"Say hello to the benchmark\"}]}";
    private static final String ORG_PREFIX = "gw-load-";
    static final long FRESHNESS_P99_TARGET_MS = 1_000;
    static final long RECOVERY_TARGET_MS = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Options options;
    private final KafkaBroker kafka;
    private final String registryUrl;
    private final ChildJvm streams;
    private final String applicationId;
    private final Path workDir;
    private final Map<String, Object> report;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String adminToken = "tga_" + random();
    private int warmupSeconds;
    private String gatewayJvm;
    private long warmupLastJitMillis;

    GatewayLoadPhase(Options options, KafkaBroker kafka, String registryUrl, ChildJvm streams, String applicationId,
            Path workDir, Map<String, Object> report) {
        this.options = options;
        this.kafka = kafka;
        this.registryUrl = registryUrl;
        this.streams = streams;
        this.applicationId = applicationId;
        this.workDir = workDir;
        this.report = report;
    }

    void run() throws Exception {
        if (options.connections < options.orgs) {
            throw new IllegalArgumentException("--gateway-connections must be at least --gateway-orgs");
        }
        int gatewayPort = Ports.freePort();
        int managementPort = Ports.freePort();
        try (LocalPostgres postgres = LocalPostgres.start(0, workDir.resolve("gateway-postgres"), false)
                        .createDatabase("tollgate");
                VllmSimulator simulator = VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1")
                        .withPort(Ports.freePort()).withServedModelNames(MODEL).withOutputTokens(16));
                ChildJvm gateway = startGateway(postgres, simulator, gatewayPort, managementPort);
                Admin admin = kafka.admin()) {
            String base = "http://127.0.0.1:" + gatewayPort;
            List<String> keys = provision(base);
            System.out.printf(Locale.ROOT, "(e) gateway ready; %d orgs with a soft budget each; closed-loop "
                    + "warm-up%n", options.orgs);
            warmUp(base, keys, gateway);
            awaitCaughtUp(admin, System.nanoTime(), 1, TimeUnit.MINUTES.toNanos(5));
            measure(base, "http://127.0.0.1:" + managementPort, keys, gateway, admin);
        }
    }

    /**
     * Closed-loop load, not measured, in 10 s runs until the gateway's JIT compiler threads used under 2 % of a core
     * over the last run, for at least {@code --gateway-warmup-seconds} and at most {@code
     * --gateway-warmup-max-seconds}: what the gateway benchmark does (bench_warm_jit in bench/common.sh), so that
     * compiling does not land in the measured minute and the CPU per request compares with its figure.
     */
    private void warmUp(String base, List<String> keys, ChildJvm gateway) {
        int elapsed = 0;
        long jitMillis = -1;
        while (elapsed < options.warmupMaxSeconds
                && (elapsed < options.warmupSeconds || jitMillis < 0 || jitMillis >= 200)) {
            long before = jitMillis(gateway);
            load(base, keys, 10);
            elapsed += 10;
            jitMillis = jitMillis(gateway) - before;
        }
        warmupSeconds = elapsed;
        warmupLastJitMillis = jitMillis;
        System.out.printf(Locale.ROOT, "(e) JIT warm-up of the gateway: %d s; its compiler threads used %d ms of CPU "
                + "in the last 10 s%n", elapsed, jitMillis);
    }

    private static long jitMillis(ChildJvm jvm) {
        return ThreadCpu.snapshot(jvm.pid()).getOrDefault("JIT compiler threads", 0L);
    }

    private ChildJvm startGateway(LocalPostgres postgres, VllmSimulator simulator, int port, int managementPort)
            throws IOException {
        Path kekDir = workDir.resolve("gateway-kek");
        Files.createDirectories(kekDir);
        byte[] kek = new byte[32];
        RANDOM.nextBytes(kek);
        Files.writeString(kekDir.resolve("local-1"), Base64.getEncoder().encodeToString(kek));
        // What the local platform gives its gateway (LocalPlatform.startGateway), pointed at this run's parts.
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("tollgate.registry.url", registryUrl);
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("tollgate"));
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("tollgate"));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("tollgate.events.journal.dir", workDir.resolve("gateway-journal").toAbsolutePath().toString());
        config.put("tollgate.bootstrap.org-id", "local");
        config.put("tollgate.bootstrap.key-id", "local-key");
        config.put("tollgate.bootstrap.endpoints[0].id", "sim-1");
        config.put("tollgate.bootstrap.endpoints[0].model", MODEL);
        config.put("tollgate.bootstrap.endpoints[0].url", simulator.baseUrl());
        config.put("tollgate.bootstrap.endpoints[0].input-price-per-million-micros", "500000");
        config.put("tollgate.bootstrap.endpoints[0].output-price-per-million-micros", "1500000");
        // The gateway benchmark's org has its content captured (the local platform's setting for its own org), so
        // these orgs do too: the gateway's CPU per request is then comparable.
        List<String> orgs = new ArrayList<>();
        for (int i = 1; i <= options.orgs; i++) {
            orgs.add(ORG_PREFIX + i);
        }
        config.put("tollgate.events.capture-content-orgs", String.join(",", orgs));
        config.put("tollgate.routing.load-metrics.enabled", "true");
        config.put("tollgate.secrets.kek-dir", kekDir.toAbsolutePath().toString());
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + options.heap, "-XX:+UseParallelGC"));
        config.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
        Path runner = LocalInstallation.fromBuild().quarkusApp("gateway");
        ChildJvm gateway = ChildJvm.start(new ChildJvm.Spec("gateway", jvmArgs, List.of("-jar", runner.toString()),
                List.of(), workDir.resolve("gateway.log"),
                Map.of("TOLLGATE_BOOTSTRAP_API_KEY", "tg_" + random(), "TOLLGATE_ADMIN_TOKEN", adminToken)));
        try {
            gateway.awaitReady(Duration.ofSeconds(120),
                    () -> Http.answers200("http://127.0.0.1:" + managementPort + "/q/health/ready"));
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        gatewayJvm = String.join(" ", jvmArgs.subList(0, 2));
        return gateway;
    }

    /** Creates the orgs, their keys and their soft budgets; returns the keys once each answers. */
    private List<String> provision(String base) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= options.orgs; i++) {
            String org = ORG_PREFIX + i;
            admin(base, "/admin/v1/orgs", "{\"id\":\"" + org + "\"}");
            String created = admin(base, "/admin/v1/keys", "{\"org_id\":\"" + org + "\"}");
            int at = created.indexOf("\"key\":\"");
            keys.add(created.substring(at + 7, created.indexOf('"', at + 7)));
            admin(base, "/admin/v1/budgets", "{\"id\":\"" + org + "\",\"scope_type\":\"org\",\"scope_id\":\"" + org
                    + "\",\"amount_micros\":1000000000000,\"period\":\"daily\",\"enforcement\":\"soft\"}");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 1; i <= options.orgs; i++) {
            // "live" appears once the gateway holds the state the app published for the budget: both know it.
            while (!get(base + "/admin/v1/budgets/" + ORG_PREFIX + i, "Bearer " + adminToken).body()
                    .contains("\"live\":{")) {
                requireBefore(deadline, "budget " + ORG_PREFIX + i + " applied by the streams app");
            }
            while (get(base + "/v1/models", "Bearer " + keys.get(i - 1)).statusCode() != 200) {
                requireBefore(deadline, "key of " + ORG_PREFIX + i + " known to the gateway");
            }
        }
        return keys;
    }

    private void measure(String base, String management, List<String> keys, ChildJvm gateway, Admin admin)
            throws Exception {
        long usageBefore = sum(endOffsets(admin));
        long gatewayCpuBefore = ThreadCpu.processMillis(gateway.pid());
        Map<String, Long> gatewayThreadsBefore = ThreadCpu.snapshot(gateway.pid());
        long brokerCpuBefore = ThreadCpu.processMillis(kafka.pid());
        long benchCpuBefore = ThreadCpu.processMillis(ProcessHandle.current().pid());
        long appCpuBefore = ThreadCpu.processMillis(streams.pid());
        long requestsBefore = gatewayRequests(management);
        long loadStartMs = System.currentTimeMillis();
        long loadStart = System.nanoTime();
        LoadTotals totals;
        long maxLag;
        try (FreshnessWatch freshness = FreshnessWatch.start(kafka.bootstrapServers(), ORG_PREFIX, loadStartMs)) {
            LagSampler sampler = new LagSampler(admin);
            Thread sampling = new Thread(sampler, "lag-sampler");
            sampling.start();
            totals = load(base, keys, options.seconds);
            long loadEnd = System.nanoTime();
            sampler.stop = true;
            sampling.join();
            maxLag = sampler.max;
            long gatewayCpu = ThreadCpu.processMillis(gateway.pid()) - gatewayCpuBefore;
            Map<String, Long> gatewayThreads = ThreadCpu.between(gatewayThreadsBefore,
                    ThreadCpu.snapshot(gateway.pid()));
            long brokerCpu = ThreadCpu.processMillis(kafka.pid()) - brokerCpuBefore;
            long benchCpu = ThreadCpu.processMillis(ProcessHandle.current().pid()) - benchCpuBefore;
            long requests = gatewayRequests(management) - requestsBefore;
            Recovery recovery = awaitCaughtUp(admin, loadEnd, totals.perSecond(), TimeUnit.MINUTES.toNanos(5));
            long appCpu = ThreadCpu.processMillis(streams.pid()) - appCpuBefore;
            long events = recovery.usageEnd() - usageBefore;
            long lastReflectedMs = freshness.awaitAllMatched(Duration.ofSeconds(30));
            FreshnessWatch.Figures figures = freshness.figures();
            long reflectedAfterMs = lastReflectedMs < 0 ? -1
                    : lastReflectedMs - (loadStartMs + TimeUnit.NANOSECONDS.toMillis(loadEnd - loadStart));
            record(totals, requests, gatewayCpu, events, appCpu, maxLag, recovery, figures, reflectedAfterMs,
                    (loadEnd - loadStart) / 1e9);
            context(requests, gatewayThreads, brokerCpu, benchCpu);
        }
        if (!streams.isAlive()) {
            throw new IllegalStateException("the streams app died:\n" + streams.logTail(40));
        }
        if (!gateway.isAlive()) {
            throw new IllegalStateException("the gateway died:\n" + gateway.logTail(40));
        }
    }

    private void record(LoadTotals totals, long requests, long gatewayCpuMillis, long events, long appCpuMillis,
            long maxLag, Recovery recovery, FreshnessWatch.Figures freshness, long reflectedAfterMs,
            double loadSeconds) {
        double gatewayCpuMicros = requests == 0 ? 0 : gatewayCpuMillis * 1000.0 / requests;
        double appCpuMicros = events == 0 ? 0 : appCpuMillis * 1000.0 / events;
        long p99 = freshness.perEvent().getValueAtPercentile(99);
        boolean freshnessPass = freshness.perEvent().getTotalCount() > 0 && freshness.unmatched() == 0
                && p99 <= FRESHNESS_P99_TARGET_MS;
        boolean recoveryPass = recovery.underOneSecondMs() >= 0 && recovery.underOneSecondMs() <= RECOVERY_TARGET_MS;
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("seconds", options.seconds);
        e.put("gateway_jvm", gatewayJvm);
        e.put("warmup_seconds", warmupSeconds);
        e.put("warmup_last_10s_jit_cpu_ms", warmupLastJitMillis);
        e.put("connections", options.connections);
        e.put("orgs", options.orgs);
        e.put("load_seconds", round(loadSeconds, 2));
        e.put("requests_ok", totals.ok());
        e.put("requests_failed", totals.errors());
        e.put("requests_per_second", round(totals.perSecond(), 0));
        e.put("client_latency_p50_ms_range", List.of(round(totals.minP50(), 2), round(totals.maxP50(), 2)));
        e.put("client_latency_p99_ms_worst", round(totals.maxP99(), 2));
        e.put("gateway_requests_counted", requests);
        e.put("gateway_cpu_seconds", round(gatewayCpuMillis / 1000.0, 1));
        e.put("gateway_cpu_micros_per_request", round(gatewayCpuMicros, 1));
        e.put("usage_events", events);
        e.put("streams_cpu_seconds", round(appCpuMillis / 1000.0, 1));
        e.put("streams_cpu_micros_per_event", round(appCpuMicros, 1));
        e.put("streams_max_lag_events_during_load", maxLag);
        e.put("budget_freshness_per_event_ms", StreamsBench.percentiles(freshness.perEvent()));
        e.put("budget_state_record_lag_ms", StreamsBench.percentiles(freshness.perRecord()));
        e.put("budget_freshness_unmatched_events", freshness.unmatched());
        e.put("lag_under_1s_of_events_after_ms", recovery.underOneSecondMs());
        e.put("lag_zero_after_ms", recovery.caughtUpMs());
        e.put("budget_state_reflects_last_event_after_ms", reflectedAfterMs);
        e.put("freshness_p99_target_ms", FRESHNESS_P99_TARGET_MS);
        e.put("recovery_target_ms", RECOVERY_TARGET_MS);
        e.put("freshness_pass", freshnessPass);
        e.put("recovery_pass", recoveryPass);
        report.put("gateway_load", e);
        System.out.printf(Locale.ROOT, "(e) gateway load: %,.0f req/s for %.1f s (%d connections, %d orgs, %,d ok, "
                + "%,d failed); gateway %.1f CPU-us/request; streams app %.1f CPU-us/event (%,d events, max lag "
                + "%,d events); budget freshness p50 %d ms, p99 %d ms, max %d ms (%,d events, %d unmatched) %s; "
                + "after the load: lag under 1 s of events in %d ms, zero in %d ms, last event in the budget state "
                + "after %d ms, %s%n", totals.perSecond(), loadSeconds, options.connections, options.orgs,
                totals.ok(), totals.errors(), gatewayCpuMicros, appCpuMicros, events, maxLag,
                freshness.perEvent().getValueAtPercentile(50), p99, freshness.perEvent().getMaxValue(),
                freshness.perEvent().getTotalCount(), freshness.unmatched(), freshnessPass ? "PASS" : "FAIL",
                recovery.underOneSecondMs(), recovery.caughtUpMs(), reflectedAfterMs,
                recoveryPass ? "PASS" : "FAIL");
    }

    /**
     * Where the rest of the two cores went during the load: the gateway's CPU by kind of thread, and the broker's and
     * this JVM's (the simulator, the load generator and the freshness watch) per request.
     */
    private void context(long requests, Map<String, Long> gatewayThreads, long brokerCpuMillis, long benchCpuMillis) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        gatewayThreads.entrySet().stream().limit(8)
                .forEach(t -> seconds.put(t.getKey(), round(t.getValue() / 1000.0, 1)));
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) report.get("gateway_load");
        e.put("gateway_cpu_seconds_by_thread", seconds);
        e.put("broker_cpu_micros_per_request", round(requests == 0 ? 0 : brokerCpuMillis * 1000.0 / requests, 1));
        e.put("bench_jvm_cpu_micros_per_request", round(requests == 0 ? 0 : benchCpuMillis * 1000.0 / requests, 1));
        System.out.printf(Locale.ROOT, "    gateway CPU-s by thread: %s; broker %.1f, simulator + load generator "
                + "%.1f CPU-us/request%n", seconds, brokerCpuMillis * 1000.0 / Math.max(1, requests),
                benchCpuMillis * 1000.0 / Math.max(1, requests));
    }

    /** The sums of the orgs' closed loops. */
    private record LoadTotals(long ok, long errors, double perSecond, double minP50, double maxP50, double maxP99) {

        static LoadTotals of(List<LoadResult> results) {
            long ok = 0;
            long errors = 0;
            double rate = 0;
            double minP50 = Double.MAX_VALUE;
            double maxP50 = 0;
            double maxP99 = 0;
            for (LoadResult result : results) {
                ok += result.ok();
                errors += result.errorCount();
                rate += result.throughput();
                minP50 = Math.min(minP50, result.latency().p50());
                maxP50 = Math.max(maxP50, result.latency().p50());
                maxP99 = Math.max(maxP99, result.latency().p99());
            }
            return new LoadTotals(ok, errors, rate, minP50, maxP50, maxP99);
        }
    }

    /** One closed loop per org, {@code connections / orgs} request loops each, all at once; blocks until done. */
    private LoadTotals load(String base, List<String> keys, int seconds) {
        List<CompletableFuture<LoadResult>> runs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            int connections = options.connections / keys.size() + (i < options.connections % keys.size() ? 1 : 0);
            LoadSpec spec = new LoadSpec(URI.create(base + "/v1/chat/completions"), "POST",
                    BODY.getBytes(StandardCharsets.UTF_8), Map.of("Authorization", "Bearer " + keys.get(i),
                            "Content-Type", "application/json"), LoadSpec.Mode.CLOSED, connections, 1,
                    Duration.ofSeconds(seconds), Duration.ZERO, false, 1, Duration.ofSeconds(10), 10_000);
            runs.add(CompletableFuture.supplyAsync(() -> LoadGenerator.run(spec)));
        }
        return LoadTotals.of(runs.stream().map(CompletableFuture::join).toList());
    }

    /**
     * After the load.
     *
     * @param underOneSecondMs from the end of the load until the app's lag on the usage topic was under one second
     *                         of the load's events; -1 if never
     * @param caughtUpMs       until it was zero
     * @param usageEnd         the usage topic's end offsets, summed, when it was zero
     */
    private record Recovery(long underOneSecondMs, long caughtUpMs, long usageEnd) {
    }

    /**
     * Watches the app's committed offsets on the usage topic every 50 ms from {@code since} until they reach its end
     * twice in a row with the end unchanged (the gateway publishes asynchronously, so its last events may land
     * after the load has ended).
     */
    private Recovery awaitCaughtUp(Admin admin, long since, double eventsPerSecond, long timeoutNanos)
            throws Exception {
        long underOneSecond = -1;
        long previousEnd = -1;
        while (true) {
            Map<TopicPartition, Long> end = endOffsets(admin);
            long lag = lag(admin, end);
            long now = System.nanoTime();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(now - since);
            if (underOneSecond < 0 && lag < eventsPerSecond) {
                underOneSecond = elapsedMs;
            }
            long endSum = sum(end);
            if (lag == 0 && endSum == previousEnd) {
                return new Recovery(underOneSecond, elapsedMs, endSum);
            }
            previousEnd = lag == 0 ? endSum : -1;
            if (!streams.isAlive()) {
                throw new IllegalStateException("the streams app died:\n" + streams.logTail(40));
            }
            if (now - since > timeoutNanos) {
                throw new IllegalStateException("the streams app did not catch up with the gateway within "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (lag " + lag + " events)");
            }
            Thread.sleep(50);
        }
    }

    /** The app's lag on the usage topic in events: end offsets less its group's committed offsets. */
    private long lag(Admin admin, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            OffsetAndMetadata offset = committed.get(partition.getKey());
            lag += Math.max(0, partition.getValue() - (offset == null ? 0 : offset.offset()));
        }
        return lag;
    }

    /** Samples the app's lag every 250 ms; keeps the largest. */
    private final class LagSampler implements Runnable {

        private final Admin admin;
        volatile boolean stop;
        volatile long max;

        LagSampler(Admin admin) {
            this.admin = admin;
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    max = Math.max(max, lag(admin, endOffsets(admin)));
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("lag sampling failed", e);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new TreeMap<>(
                (a, b) -> Integer.compare(a.partition(), b.partition()));
        admin.describeTopics(List.of(Topics.USAGE)).allTopicNames().get(10, TimeUnit.SECONDS).get(Topics.USAGE)
                .partitions().forEach(p -> latest.put(new TopicPartition(Topics.USAGE, p.partition()),
                        OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new LinkedHashMap<>();
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The requests the gateway has answered since it started: tollgate_requests_total summed over its tags. */
    private long gatewayRequests(String management) throws Exception {
        double total = 0;
        for (String line : get(management + "/q/metrics", null).body().split("\n")) {
            if (line.startsWith("tollgate_requests_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(total);
    }

    private String admin(String base, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void requireBefore(long deadline, String what) throws InterruptedException {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for: " + what);
        }
        Thread.sleep(100);
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
