package dev.tollgate.local.connect;

import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import dev.tollgate.local.process.WatchedMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A real Kafka Connect worker in distributed mode, in a child JVM, run from the Maven artifacts that
 * {@code connectors/warehouse} assembles: Connect 4.1.1 (the broker's version), Debezium's JDBC sink and Apicurio's
 * Avro converter as plugins. Distributed mode rather than standalone because its REST API can stop a connector,
 * reset its offsets and resume it: that is how a warehouse is rebuilt from the topic, and how the tests prove that
 * re-reading adds no row. Its configurations, offsets and statuses live in Kafka topics, so it survives a restart.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConnectWorker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** The worker's group and the prefix of its internal topics (configs, offsets, statuses). */
    public static final String GROUP_ID = "tollgate-connect";

    private final Config config;
    private ChildJvm process;

    /**
     * How to run the worker.
     *
     * @param port             the REST port
     * @param bootstrapServers the broker
     * @param workDir          holds worker.properties and the log file
     * @param env              environment of the worker JVM, which the connector configurations read through
     *                         {@code ${env:NAME}} (registry URL, warehouse JDBC URL and credentials)
     */
    public record Config(int port, String bootstrapServers, Path workDir, Map<String, String> env) {
        public Config {
            env = Map.copyOf(env);
        }
    }

    public ConnectWorker(Config config) {
        this.config = config;
    }

    /** Starts the worker and waits until its REST API lists connectors (it has joined its group). */
    public ConnectWorker start() {
        Ports.requireFree(config.port(), "Kafka Connect");
        long started = System.nanoTime();
        LocalInstallation installation = LocalInstallation.fromBuild();
        Path properties = writeWorkerProperties(installation);
        process = ChildJvm.start(new ChildJvm.Spec("connect",
                List.of("-Xmx512m", "-XX:+UseSerialGC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"),
                List.of("-cp", installation.connectClasspath(), WatchedMain.class.getName(),
                        "org.apache.kafka.connect.cli.ConnectDistributed"),
                List.of(properties.toString()), config.workDir().resolve("connect.log"), config.env()));
        process.awaitReady(START_TIMEOUT, () -> Http.answers200(url() + "/connectors"));
        LOG.infof("connect ready url=%s startup_ms=%d", url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return this;
    }

    /** The REST API's base URL, e.g. {@code http://127.0.0.1:8083}. */
    public String url() {
        return "http://127.0.0.1:" + config.port();
    }

    /** A client of this worker's REST API. */
    public ConnectClient client() {
        return new ConnectClient(url());
    }

    /** The child process id, or -1 when it is not running. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    private Path writeWorkerProperties(LocalInstallation installation) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", config.bootstrapServers());
        p.setProperty("group.id", GROUP_ID);
        p.setProperty("config.storage.topic", GROUP_ID + "-configs");
        p.setProperty("offset.storage.topic", GROUP_ID + "-offsets");
        p.setProperty("status.storage.topic", GROUP_ID + "-status");
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        p.setProperty("offset.storage.partitions", "5");
        p.setProperty("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.setProperty("listeners", "http://127.0.0.1:" + config.port());
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(config.port()));
        p.setProperty("plugin.path", installation.connectPlugins().toString());
        // Plugins are found through their ServiceLoader manifests: seconds instead of a scan of every jar.
        p.setProperty("plugin.discovery", "service_load");
        // Connector configurations read the registry URL and the warehouse credentials from the environment.
        p.setProperty("config.providers", "env");
        p.setProperty("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        p.setProperty("connector.client.config.override.policy", "All");
        // The streams app's outputs are transactional: a sink must never see an aborted record.
        p.setProperty("consumer.isolation.level", "read_committed");
        // Commit sink offsets every second, so a restart re-delivers little (re-delivery is harmless: upserts).
        p.setProperty("offset.flush.interval.ms", "1000");
        // One worker: when it restarts, give its connectors back at once rather than after the default 5 minutes.
        p.setProperty("scheduled.rebalance.max.delay.ms", "0");
        Path file = config.workDir().resolve("worker.properties");
        try {
            Files.createDirectories(config.workDir());
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "Tollgate local Kafka Connect worker (distributed mode, one worker)");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
