package dev.tollgate.streams.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;

/**
 * One instance of the built streams app ({@code streams/target/quarkus-app/quarkus-run.jar}, built by the package
 * phase before failsafe runs) in a child JVM, started the way the launcher starts it: {@code java -jar}, with its
 * configuration as system properties. Tests that kill an instance or run several of them use this rather than
 * {@code @QuarkusTest}, which runs one app inside the test JVM and cannot be killed.
 */
final class StreamsInstance implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ChildJvm process;
    private final int port;

    private StreamsInstance(ChildJvm process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts an instance and waits until it reports ready (its topics exist; Kafka Streams may still be joining).
     *
     * @param name     names the instance in logs and becomes its Kafka {@code client.id}
     * @param kafka    the broker's bootstrap servers
     * @param registry the registry's base URL
     * @param stateDir its Kafka Streams {@code state.dir}; reuse it to restart on the same local state
     * @param port     its HTTP port, also advertised as its {@code application.server} for query routing
     * @param logFile  where its output goes
     * @param extra    further settings, e.g. {@code kafka-streams.session.timeout.ms}
     */
    static StreamsInstance start(String name, String kafka, String registry, Path stateDir, int port, Path logFile,
            Map<String, String> extra) {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseParallelGC",
                "-XX:TieredStopAtLevel=1",
                "-Dkafka.bootstrap.servers=" + kafka,
                "-Dtollgate.registry.url=" + registry,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.kafka-streams.application-server=127.0.0.1:" + port,
                "-Dkafka-streams.client.id=" + name,
                "-Dkafka-streams.state.dir=" + stateDir,
                "-Dkafka-streams.num.standby.replicas=0"));
        extra.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
        Path runner = LocalInstallation.fromBuild().quarkusApp("streams");
        ChildJvm process = ChildJvm.start(new ChildJvm.Spec(name, jvmArgs, List.of("-jar", runner.toString()),
                List.of(), logFile, Map.of()));
        try {
            process.awaitReady(START_TIMEOUT, () -> Http.answers200("http://127.0.0.1:" + port + "/q/health/ready"));
            return new StreamsInstance(process, port);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>} */
    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the instance with SIGKILL, as a crash or an OOM kill would: no shutdown hook, no final commit. */
    void kill() {
        process.kill();
    }

    /** The last lines of its log, for assertion messages. */
    String logTail() {
        return process.logTail(40);
    }

    @Override
    public void close() {
        process.close();
    }
}
