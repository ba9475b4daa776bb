package dev.tollgate.local.registry;

import dev.tollgate.local.LocalInstallation;
import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import dev.tollgate.local.process.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The real Apicurio Registry server (3.0.9), unpacked from its Maven artifact by the build and run as a child
 * JVM. In-memory storage by default (tests); PostgreSQL storage when a JDBC URL is given (the local platform),
 * so schemas survive a registry restart.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ApicurioRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Config config;
    private ChildJvm process;

    /**
     * How to run the registry.
     *
     * @param port    the HTTP port
     * @param workDir holds the log file
     * @param storage where schemas are kept
     */
    public record Config(int port, Path workDir, Storage storage) {
        public static Config ephemeral(Path workDir) {
            return new Config(Ports.freePort(), workDir, Storage.IN_MEMORY);
        }
    }

    /**
     * Where the registry keeps schemas.
     *
     * @param jdbcUrl  a PostgreSQL JDBC URL, or null for in-memory storage
     * @param user     the database user
     * @param password the database password
     */
    public record Storage(String jdbcUrl, String user, String password) {
        public static final Storage IN_MEMORY = new Storage(null, null, null);

        public static Storage postgres(String jdbcUrl, String user, String password) {
            return new Storage(jdbcUrl, user, password);
        }
    }

    public ApicurioRegistry(Config config) {
        this.config = config;
    }

    /** Starts the registry and waits until its API answers. */
    public ApicurioRegistry start() {
        Ports.requireFree(config.port(), "Apicurio Registry");
        long started = System.nanoTime();
        Path runner = LocalInstallation.fromBuild().apicurioRunner();
        process = ChildJvm.start(new ChildJvm.Spec("apicurio-registry", jvmArgs(), List.of("-jar", runner.toString()),
                List.of(), config.workDir().resolve("apicurio-registry.log"), Map.of()));
        process.awaitReady(START_TIMEOUT, () -> Http.answers200(url() + "/apis/registry/v3/system/info"));
        LOG.infof("apicurio-registry ready url=%s startup_ms=%d", url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return this;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8081}; serdes use {@code <url>/apis/registry/v3}. */
    public String url() {
        return "http://127.0.0.1:" + config.port();
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

    private List<String> jvmArgs() {
        List<String> args = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + config.port(), "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.log.level=WARN", "-Dquarkus.log.category.\"io.apicurio\".level=WARN",
                "-Dapicurio.rest.deletion.artifact.enabled=true",
                "-Dquarkus.management.enabled=false",
                "-Dtollgate-local.workdir=" + config.workDir().toAbsolutePath()));
        if (config.storage().jdbcUrl() != null) {
            args.addAll(List.of("-Dapicurio.storage.kind=sql", "-Dapicurio.storage.sql.kind=postgresql",
                    "-Dapicurio.datasource.url=" + config.storage().jdbcUrl(),
                    "-Dapicurio.datasource.username=" + config.storage().user(),
                    "-Dapicurio.datasource.password=" + config.storage().password()));
        }
        return args;
    }
}
