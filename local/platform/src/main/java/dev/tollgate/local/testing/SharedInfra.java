package dev.tollgate.local.testing;

import dev.tollgate.local.Directories;
import dev.tollgate.local.kafka.KafkaBroker;
import dev.tollgate.local.postgres.LocalPostgres;
import dev.tollgate.local.registry.ApicurioRegistry;
import dev.tollgate.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real servers of one test JVM, started on first use and stopped when the JVM exits. Sharing them keeps
 * the suite fast (the registry alone takes about 11 s to start) while every test still talks to a real broker,
 * a real registry and a real database. Tests isolate themselves by org id, key or consumer group instead.
 */
public final class SharedInfra {

    private static KafkaBroker kafka;
    private static ApicurioRegistry registry;
    private static LocalPostgres postgres;
    private static Path workDir;

    private SharedInfra() {
    }

    /** The shared broker, with every contract topic created. */
    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = new KafkaBroker(KafkaBroker.Config.ephemeral(workDir().resolve("kafka"))).start();
            kafka.createTopics(Topics.all());
        }
        return kafka;
    }

    /** The shared registry (in-memory storage). */
    public static synchronized ApicurioRegistry registry() {
        if (registry == null) {
            registry = new ApicurioRegistry(ApicurioRegistry.Config.ephemeral(workDir().resolve("registry"))).start();
        }
        return registry;
    }

    /** The shared PostgreSQL server. */
    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            postgres = LocalPostgres.start(0, workDir().resolve("postgres"), false);
        }
        return postgres;
    }

    /**
     * Stops what was started, then deletes the servers' directory (about 30 MB per test JVM, mostly PostgreSQL's):
     * one hook, so that nothing is deleted under a server that is still stopping.
     */
    private static synchronized void stopAndDelete() {
        for (AutoCloseable server : new AutoCloseable[] {kafka, registry, postgres}) {
            if (server != null) {
                try {
                    server.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + server + ": " + e);
                }
            }
        }
        try {
            Directories.deleteTree(workDir);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + workDir + ": " + e);
        }
    }

    private static Path workDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("tollgate-it-");
                Runtime.getRuntime().addShutdownHook(new Thread(SharedInfra::stopAndDelete, "stop-shared-infra"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return workDir;
    }
}
