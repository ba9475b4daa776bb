package dev.tollgate.local.launcher;

import dev.tollgate.local.Directories;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tollgate-local}: starts a real Kafka broker, the Apicurio Registry, PostgreSQL, a vLLM simulator,
 * the gateway and the streams app on this machine, prints a working API key and a curl line, and stops it all
 * on Ctrl-C.
 */
@Command(name = "tollgate-local", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the whole Tollgate platform on this machine, without Docker.")
public final class LaunchCommand implements Callable<Integer> {

    @Option(names = "--gateway-port", defaultValue = "8080", description = "Gateway OpenAI API port (default: ${DEFAULT-VALUE}).")
    int gatewayPort;
    @Option(names = "--gateway-management-port", defaultValue = "9000", description = "Gateway metrics and health port (default: ${DEFAULT-VALUE}).")
    int gatewayManagementPort;
    @Option(names = "--streams-port", defaultValue = "8082", description = "Streams query API port (default: ${DEFAULT-VALUE}).")
    int streamsPort;
    @Option(names = "--simulator-port", defaultValue = "8000", description = "vLLM simulator port (default: ${DEFAULT-VALUE}).")
    int simulatorPort;
    @Option(names = "--notifier-port", defaultValue = "8084", description = "Alert notifier port: deliveries and health "
            + "(default: ${DEFAULT-VALUE}).")
    int notifierPort;
    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka port; the controller uses the next one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;
    @Option(names = "--registry-port", defaultValue = "8081", description = "Apicurio Registry port (default: ${DEFAULT-VALUE}).")
    int registryPort;
    @Option(names = "--postgres-port", defaultValue = "5433", description = "PostgreSQL port (default: ${DEFAULT-VALUE}).")
    int postgresPort;
    @Option(names = "--data-dir", defaultValue = ".tollgate", description = "Data, logs and pids (default: ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--keep-data", description = "Keep the data of the previous run instead of starting empty.")
    boolean keepData;
    @Option(names = "--model", defaultValue = "sim-llama-3-8b", description = "Model the simulator serves (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--simulator-ttft-ms", defaultValue = "40", description = "Simulated time to first token (default: ${DEFAULT-VALUE}).")
    int ttftMs;
    @Option(names = "--simulator-itl-ms", defaultValue = "8", description = "Simulated time between tokens (default: ${DEFAULT-VALUE}).")
    int itlMs;
    @Option(names = "--simulator-output-tokens", defaultValue = "32", description = "Tokens generated when max_tokens is not set (default: ${DEFAULT-VALUE}).")
    int outputTokens;
    @Option(names = "--gateway-replicas", defaultValue = "1", description = "Gateway replicas to run, 1 to 4; replica N "
            + "listens on the gateway ports + (N-1) x 100 (default: ${DEFAULT-VALUE}).")
    int gatewayReplicas;
    @Option(names = "--no-watch", description = "Do not print usage events as they arrive.")
    boolean noWatch;
    @Option(names = "--no-streams", description = "Do not start the streams app nor the alert notifier (for benchmarks "
            + "of the gateway alone).")
    boolean noStreams;
    @Option(names = "--warehouse", description = "Also run a Kafka Connect worker that sinks usage, rollups and budget "
            + "events into the 'warehouse' database (docs/warehouse.md).")
    boolean warehouse;
    @Option(names = "--connect-port", defaultValue = "8083", description = "Kafka Connect REST port, with --warehouse "
            + "(default: ${DEFAULT-VALUE}).")
    int connectPort;
    @Option(names = "--evals-port", defaultValue = "8085", description = "Evals worker health and metrics port "
            + "(default: ${DEFAULT-VALUE}).")
    int evalsPort;

    /**
     * The console. Not {@code System.out}: the log manager closes that during JVM shutdown, while the shutdown
     * hook is still reporting that it stops the platform.
     */
    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new LaunchCommand()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("tollgate-local: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long begin = System.nanoTime();
        LaunchOptions options = new LaunchOptions(new PlatformPorts(gatewayPort, gatewayManagementPort, streamsPort,
                simulatorPort, kafkaPort, kafkaPort + 1, registryPort, postgresPort, gatewayReplicas,
                warehouse ? connectPort : PlatformPorts.NONE, noStreams ? PlatformPorts.NONE : evalsPort,
                noStreams ? PlatformPorts.NONE : notifierPort),
                dataDir.toAbsolutePath(),
                keepData, model, ttftMs, itlMs, outputTokens, !noStreams, warehouse);
        LocalPlatform platform = new LocalPlatform(options, out);
        int reaped = platform.reapStaleProcesses();
        if (reaped > 0) {
            out.println("Stopped " + reaped + " process(es) left behind by an earlier run.");
        }
        options.ports().requireAllFree();
        prepareDataDir(options);
        Secrets secrets = Secrets.generate();
        out.println("Starting Tollgate (logs in " + options.dataDir().resolve("logs") + ")");
        try {
            platform.start(secrets);
        } catch (RuntimeException e) {
            System.err.println("\nTollgate failed to start: " + e.getMessage());
            System.err.println("Everything that had started was stopped again.");
            return 1;
        }
        UsageWatcher watcher = noWatch ? null
                : new UsageWatcher(platform.kafka().bootstrapServers(), platform.registry().url(), out).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("\nStopping Tollgate...");
            if (watcher != null) {
                watcher.close();
            }
            platform.close();
            out.println("Stopped.");
            stopped.countDown();
        }, "stop-tollgate"));
        out.print(Banner.text(options, platform, secrets, consoleToken(platform, secrets),
                (System.nanoTime() - begin) / 1e9));
        stopped.await();
        return 0;
    }

    /** A read-only credential for the console and the CLI; a failure is said in the banner, never fatal. */
    private static String consoleToken(LocalPlatform platform, Secrets secrets) {
        try {
            return platform.createReadOnlyCredential(secrets, "local console");
        } catch (IllegalStateException e) {
            return "(not created: " + e.getMessage() + "; use the admin token)";
        }
    }

    private static void prepareDataDir(LaunchOptions options) throws Exception {
        if (!options.keepData()) {
            Directories.deleteTree(options.dataDir());
        }
        Files.createDirectories(options.dataDir().resolve("logs"));
    }

}
