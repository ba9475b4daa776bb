package dev.tollgate.local.kafka;

import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Ports;
import dev.tollgate.schemas.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.jboss.logging.Logger;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process) in a child JVM, run from the
 * Maven artifacts of the same Kafka version as the clients. It can be stopped and started again on the same
 * port and data, which is how the reliability tests take Kafka away under load.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration LEADERS_TIMEOUT = Duration.ofSeconds(30);
    private static final int NODE_ID = 1;

    private final Config config;
    private final String clusterId = Uuid.randomUuid().toString();
    private ChildJvm process;

    /**
     * How to run the broker.
     *
     * @param port           the client (PLAINTEXT) port
     * @param controllerPort the KRaft controller port
     * @param workDir        holds the data, the server.properties and the log file
     * @param heap           the child's maximum heap, e.g. {@code 512m}
     */
    public record Config(int port, int controllerPort, Path workDir, String heap) {
        public Config {
            if (port == controllerPort) {
                throw new IllegalArgumentException("the broker and controller ports must differ: " + port);
            }
        }

        /** Ephemeral ports under {@code workDir}. */
        public static Config ephemeral(Path workDir) {
            int[] ports = Ports.freePorts(2);
            return new Config(ports[0], ports[1], workDir, "512m");
        }
    }

    public KafkaBroker(Config config) {
        this.config = config;
    }

    /** Starts the broker and waits until it answers a metadata request. */
    public KafkaBroker start() {
        Ports.requireFree(config.port(), "Kafka broker");
        Ports.requireFree(config.controllerPort(), "Kafka controller");
        long started = System.nanoTime();
        LocalInstallation installation = LocalInstallation.fromBuild();
        Path properties = writeServerProperties();
        process = ChildJvm.start(new ChildJvm.Spec("kafka",
                List.of("-Xmx" + config.heap(), "-XX:+UseG1GC",
                        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"),
                List.of("-cp", installation.childClasspath(), BrokerMain.class.getName()),
                List.of(properties.toString(), clusterId), config.workDir().resolve("kafka.log"), Map.of()));
        process.awaitReady(START_TIMEOUT, this::answersMetadata);
        LOG.infof("kafka ready bootstrap=%s startup_ms=%d", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return this;
    }

    /** {@code host:port} for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + config.port();
    }

    /** Stops the broker gracefully, keeping its data for a restart. */
    public void stop() {
        if (process != null) {
            process.close();
            process = null;
        }
    }

    /** Whether the broker process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Creates the topics that do not exist yet, with their partitions and configs. */
    public void createTopics(List<TopicSpec> topics) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
                    .toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, topics.stream().map(TopicSpec::name).toList());
            LOG.infof("topics created=%s", missing.stream().map(NewTopic::name).collect(Collectors.joining(",")));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Waits until every partition of the topics has a leader and the broker has opened its log. A created topic is
     * accepted by the controller before the broker leads its partitions, and the metadata names the leader before the
     * broker's replica manager has created the log. A producer that starts in that gap gets its first batch to a
     * partition refused while its later batches are taken; the retried first batch is then out of sequence for ever
     * (seen in CI: {@code OutOfOrderSequenceException ... 0 (incoming seq. number), 1643 (current end sequence
     * number)} until the delivery timeout).
     */
    private static void awaitLeaders(Admin admin, List<String> topics)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + LEADERS_TIMEOUT.toNanos();
        while (true) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            Set<TopicPartition> opened = openedReplicas(admin);
            List<String> unready = described.values().stream()
                    .filter(d -> d.partitions().stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty()
                            || !opened.contains(new TopicPartition(d.name(), p.partition()))))
                    .map(TopicDescription::name).toList();
            if (unready.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("partitions without a leader or an opened log after "
                        + LEADERS_TIMEOUT.toSeconds() + " s: " + unready);
            }
            Thread.sleep(50);
        }
    }

    /** The partitions whose log the broker has opened, in any of its log directories. */
    private static Set<TopicPartition> openedReplicas(Admin admin)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return admin.describeLogDirs(List.of(NODE_ID)).allDescriptions().get(30, TimeUnit.SECONDS)
                .getOrDefault(NODE_ID, Map.of()).values().stream()
                .flatMap(dir -> dir.replicaInfos().keySet().stream())
                .collect(Collectors.toSet());
    }

    /** The last lines of the broker's log, for test failure messages. */
    public String logTail(int lines) {
        return process == null ? "(broker not running)" : process.logTail(lines);
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    /** The child process id, or -1 when it is not running. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answersMetadata() {
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    private Path writeServerProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + config.controllerPort());
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + config.port() + ",CONTROLLER://127.0.0.1:"
                + config.controllerPort());
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + config.port());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", config.workDir().resolve("data").toAbsolutePath().toString());
        p.setProperty("num.partitions", "6");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "6");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "6");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        Path file = config.workDir().resolve("server.properties");
        try {
            Files.createDirectories(config.workDir());
            try (Writer out = Files.newBufferedWriter(file)) {
                p.store(out, "Tollgate local single-node KRaft broker");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
