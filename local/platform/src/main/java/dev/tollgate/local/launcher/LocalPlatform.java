package dev.tollgate.local.launcher;

import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.connect.ConnectWorker;
import dev.tollgate.local.connect.ConnectorConfigs;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.local.vllm.SimulatorConfig;
import dev.tollgate.local.vllm.VllmSimulator;
import dev.tollgate.schemas.Topics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The whole platform on one machine, started in dependency order and stopped in reverse. Parts that do not
 * depend on each other start in parallel. Whatever has started is stopped again when a later part fails, so a
 * failed start leaves no process behind.
 */
final class LocalPlatform implements AutoCloseable {

    /** The simulated endpoint's price: $0.50 per million prompt tokens, $1.50 per million completion tokens. */
    static final long INPUT_PRICE_MICROS = 500_000;
    static final long OUTPUT_PRICE_MICROS = 1_500_000;

    private final LaunchOptions options;
    private final PrintStream out;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final StaleProcesses processes;
    private KafkaBroker kafka;
    private ApicurioRegistry registry;
    private LocalPostgres postgres;

    LocalPlatform(LaunchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.processes = new StaleProcesses(options.dataDir());
    }

    /** Starts every part; on failure stops what started and rethrows. */
    void start(Secrets secrets) {
        try {
            LocalInstallation installation = LocalInstallation.fromBuild();
            installation.quarkusApp("gateway");
            if (options.streams()) {
                installation.quarkusApp("streams");
                installation.quarkusApp("evals/worker");
                installation.quarkusApp("notifier");
            }
            postgres = step("PostgreSQL", () -> LocalPostgres.start(options.ports().postgres(),
                    options.dataDir().resolve("postgres"), options.keepData()));
            postgres.createDatabase("tollgate").createDatabase("registry").createDatabase("notifier");
            if (options.warehouse()) {
                postgres.createDatabase(LaunchOptions.WAREHOUSE_DATABASE);
            }
            CompletableFuture<KafkaBroker> broker = async("Kafka", this::startKafka);
            CompletableFuture<ApicurioRegistry> schemas = async("Apicurio Registry", () -> startRegistry(postgres));
            settle(broker, schemas);
            kafka = join(broker);
            registry = join(schemas);
            processes.record(kafka.pid());
            processes.record(registry.pid());
            step("vLLM simulator", this::startSimulator);
            List<CompletableFuture<ChildJvm>> parts = new ArrayList<>();
            for (int i = 0; i < options.ports().gatewayReplicas(); i++) {
                int replica = i;
                parts.add(async(replica == 0 ? "gateway" : "gateway " + (replica + 1),
                        () -> startGateway(installation, secrets, postgres, replica)));
            }
            if (options.streams()) {
                parts.add(async("streams", () -> startStreams(installation)));
                parts.add(async("evals worker", () -> startEvalsWorker(installation, secrets)));
                parts.add(async("notifier", () -> startNotifier(installation, postgres)));
            }
            CompletableFuture<ConnectWorker> connect = options.warehouse()
                    ? async("Kafka Connect", () -> startConnect(installation)) : null;
            List<CompletableFuture<?>> all = new ArrayList<>(parts);
            if (connect != null) {
                all.add(connect);
            }
            settle(all.toArray(CompletableFuture[]::new));
            all.forEach(LocalPlatform::join);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Creates a read-only admin credential named {@code name} on the running gateway and returns its token, for the
     * console or the CLI (docs/security.md#admin-credentials); call after {@link #start}.
     */
    String createReadOnlyCredential(Secrets secrets, String name) {
        return ConsoleCredential.create("http://127.0.0.1:" + options.ports().gateway(0),
                secrets.adminToken(), name);
    }

    KafkaBroker kafka() {
        return kafka;
    }

    /** The JDBC URL of the warehouse database the sinks write to. */
    String warehouseJdbcUrl() {
        return postgres.jdbcUrl(LaunchOptions.WAREHOUSE_DATABASE);
    }

    ApicurioRegistry registry() {
        return registry;
    }

    private KafkaBroker startKafka() {
        KafkaBroker broker = new KafkaBroker(new KafkaBroker.Config(options.ports().kafka(),
                options.ports().kafkaController(), options.dataDir().resolve("kafka"), "512m")).start();
        broker.createTopics(Topics.all());
        return broker;
    }

    private ApicurioRegistry startRegistry(LocalPostgres postgres) {
        return new ApicurioRegistry(new ApicurioRegistry.Config(options.ports().registry(),
                options.dataDir().resolve("registry"), ApicurioRegistry.Storage.postgres(
                        postgres.jdbcUrl("registry"), LocalPostgres.USER, LocalPostgres.PASSWORD))).start();
    }

    private VllmSimulator startSimulator() {
        return VllmSimulator.start(SimulatorConfig.defaults().withHost("127.0.0.1")
                .withPort(options.ports().simulator())
                .withServedModelNames(options.model(), LaunchOptions.SECOND_MODEL)
                .withTimeToFirstToken(Duration.ofMillis(options.simulatorTtftMs()))
                .withInterTokenLatency(Duration.ofMillis(options.simulatorItlMs()))
                .withOutputTokens(options.simulatorOutputTokens()));
    }

    private ChildJvm startGateway(LocalInstallation installation, Secrets secrets, LocalPostgres postgres, int replica) {
        Map<String, String> config = new LinkedHashMap<>(common());
        // The admin state (orgs, keys, endpoints) lives in the "tollgate" database.
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("tollgate"));
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("tollgate"));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        config.put("quarkus.http.port", Integer.toString(options.ports().gateway(replica)));
        config.put("quarkus.management.port", Integer.toString(options.ports().gatewayManagement(replica)));
        // Each replica its own event journal, in the data directory: a replica killed mid-load replays it at its
        // next start (docs/events.md).
        config.put("tollgate.events.journal.dir", options.dataDir().resolve("journal")
                .resolve(replica == 0 ? "gateway" : "gateway-" + (replica + 1)).toAbsolutePath().toString());
        config.put("tollgate.bootstrap.org-id", LaunchOptions.ORG);
        config.put("tollgate.bootstrap.key-id", "local-key");
        config.put("tollgate.bootstrap.endpoints[0].id", "sim-1");
        config.put("tollgate.bootstrap.endpoints[0].model", options.model());
        config.put("tollgate.bootstrap.endpoints[0].url", "http://127.0.0.1:" + options.ports().simulator());
        config.put("tollgate.bootstrap.endpoints[0].input-price-per-million-micros", Long.toString(INPUT_PRICE_MICROS));
        config.put("tollgate.bootstrap.endpoints[0].output-price-per-million-micros", Long.toString(OUTPUT_PRICE_MICROS));
        config.put("tollgate.bootstrap.endpoints[1].id", "sim-mistral");
        config.put("tollgate.bootstrap.endpoints[1].model", LaunchOptions.SECOND_MODEL);
        config.put("tollgate.bootstrap.endpoints[1].url", "http://127.0.0.1:" + options.ports().simulator());
        config.put("tollgate.bootstrap.endpoints[1].input-price-per-million-micros", Long.toString(INPUT_PRICE_MICROS));
        config.put("tollgate.bootstrap.endpoints[1].output-price-per-million-micros", Long.toString(OUTPUT_PRICE_MICROS));
        // The local org's prompts and answers are captured, so that evaluators can score its live traffic
        // (docs/evals.md); a production deployment names the orgs that consent.
        config.put("tollgate.events.capture-content-orgs", LaunchOptions.ORG);
        // What operators see: the console's charts ask the streams app through the gateway, and deployment status
        // shows the simulator's queue and KV cache as the router reads them (docs/console.md, docs/cli.md).
        if (options.streams()) {
            config.put("tollgate.console.streams-url", "http://127.0.0.1:" + options.ports().streams());
        }
        config.put("tollgate.routing.load-metrics.enabled", "true");
        // Upstream API keys are sealed with a KEK (docs/security.md): TOLLGATE_SECRETS_KEKS when set (the child JVM
        // inherits it), else the one generated once for this data directory.
        String keks = System.getenv(LocalKeks.ENV);
        if (keks == null || keks.isBlank()) {
            config.put("tollgate.secrets.kek-dir", LocalKeks.ensure(options.dataDir()).toAbsolutePath().toString());
        }
        return recorded(QuarkusApp.start("gateway", installation.quarkusApp("gateway"), "256m", config,
                Map.of("TOLLGATE_BOOTSTRAP_API_KEY", secrets.apiKey(), "TOLLGATE_ADMIN_TOKEN", secrets.adminToken()),
                logs().resolve(replica == 0 ? "gateway.log" : "gateway-" + (replica + 1) + ".log"),
                "http://127.0.0.1:" + options.ports().gatewayManagement(replica) + "/q/health/ready"));
    }

    private ChildJvm startStreams(LocalInstallation installation) {
        Map<String, String> config = new LinkedHashMap<>(common());
        config.put("quarkus.http.port", Integer.toString(options.ports().streams()));
        config.put("kafka-streams.state.dir", options.dataDir().resolve("streams-state").toString());
        config.put("kafka-streams.num.standby.replicas", "0");
        return recorded(QuarkusApp.start("streams", installation.quarkusApp("streams"), "512m", config, Map.of(),
                logs().resolve("streams.log"), "http://127.0.0.1:" + options.ports().streams() + "/q/health/ready"));
    }

    /**
     * The evals worker: judge and embedding scores, dataset runs and backfills. It calls the first gateway replica
     * with the bootstrap key (its runs and judge calls are metered like any client's) and asks the streams app
     * whether a run is scored.
     */
    private ChildJvm startEvalsWorker(LocalInstallation installation, Secrets secrets) {
        Map<String, String> config = new LinkedHashMap<>(common());
        config.put("quarkus.http.port", Integer.toString(options.ports().evals()));
        config.put("tollgate.evals.gateway.url", "http://127.0.0.1:" + options.ports().gateway());
        config.put("tollgate.evals.streams.url", "http://127.0.0.1:" + options.ports().streams());
        return recorded(QuarkusApp.start("evals worker", installation.quarkusApp("evals/worker"), "256m", config,
                Map.of("TOLLGATE_EVALS_GATEWAY_API_KEY", secrets.apiKey()), logs().resolve("evals-worker.log"),
                "http://127.0.0.1:" + options.ports().evals() + "/q/health/ready"));
    }

    /**
     * The Connect worker, then every warehouse sink of {@code connectors/warehouse/config/postgres}, each waited for
     * until its task runs. The sinks read the registry and the database from the worker's environment.
     */
    private ConnectWorker startConnect(LocalInstallation installation) {
        ConnectWorker worker = recorded(new ConnectWorker(new ConnectWorker.Config(options.ports().connect(),
                kafka.bootstrapServers(), options.dataDir().resolve("connect"), Map.of(
                        "TOLLGATE_REGISTRY_URL", registry.url(),
                        "TOLLGATE_WAREHOUSE_JDBC_URL", warehouseJdbcUrl(),
                        "TOLLGATE_WAREHOUSE_USER", LocalPostgres.USER,
                        "TOLLGATE_WAREHOUSE_PASSWORD", LocalPostgres.PASSWORD))).start());
        try {
            var client = worker.client();
            Map<String, Map<String, String>> connectors = ConnectorConfigs.load(installation.warehouseConnectors());
            connectors.forEach(client::put);
            connectors.keySet().forEach(name -> client.awaitRunning(name, Duration.ofSeconds(90)));
            return worker;
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    /**
     * The alert notifier, with its own database: deliveries are none of the gateway's business, and the gateway's
     * tables none of its.
     */
    private ChildJvm startNotifier(LocalInstallation installation, LocalPostgres postgres) {
        Map<String, String> config = new LinkedHashMap<>(common());
        // Its own database: deliveries are none of the gateway's business, and the gateway's tables none of its.
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("notifier"));
        config.put("quarkus.datasource.username", LocalPostgres.USER);
        config.put("quarkus.datasource.password", LocalPostgres.PASSWORD);
        config.put("quarkus.http.port", Integer.toString(options.ports().notifier()));
        config.put("tollgate.notifier.external-url", "http://127.0.0.1:" + options.ports().notifier());
        config.put("tollgate.notifier.generator-url", "http://127.0.0.1:" + options.ports().streams());
        return recorded(QuarkusApp.start("notifier", installation.quarkusApp("notifier"), "192m", config, Map.of(),
                logs().resolve("notifier.log"), "http://127.0.0.1:" + options.ports().notifier() + "/q/health/ready"));
    }

    /** Settings every app shares; the data-dir marker lets a later run recognise the process as its own. */
    private Map<String, String> common() {
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "tollgate.registry.url", registry.url(),
                "tollgate-local.workdir", options.dataDir().toAbsolutePath().toString());
    }

    private ChildJvm recorded(ChildJvm process) {
        processes.record(process.pid());
        return process;
    }

    private ConnectWorker recorded(ConnectWorker worker) {
        processes.record(worker.pid());
        return worker;
    }

    private Path logs() {
        return options.dataDir().resolve("logs");
    }

    private <T extends AutoCloseable> T step(String name, Supplier<T> start) {
        long begin = System.nanoTime();
        T part = start.get();
        synchronized (started) {
            started.push(part);
        }
        out.printf("  %-18s ready in %5.1f s%n", name, (System.nanoTime() - begin) / 1e9);
        return part;
    }

    private <T extends AutoCloseable> CompletableFuture<T> async(String name, Supplier<T> start) {
        return CompletableFuture.supplyAsync(() -> step(name, start));
    }

    /** Waits until every future is done, failed or not, so that nothing starts after a failure is handled. */
    private static void settle(CompletableFuture<?>... futures) {
        CompletableFuture.allOf(futures).exceptionally(failed -> null).join();
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Stops every started part, newest first; errors are reported and do not stop the rest. */
    @Override
    public void close() {
        while (true) {
            AutoCloseable part;
            synchronized (started) {
                part = started.poll();
            }
            if (part == null) {
                break;
            }
            try {
                part.close();
            } catch (Exception e) {
                out.println("  could not stop " + part.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        processes.clear();
    }

    /** Stops what a crashed earlier run left behind. */
    int reapStaleProcesses() {
        return processes.reap(options.dataDir().resolve("postgres"));
    }
}
