package dev.tollgate.local.testing;

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
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-shared-kafka"));
        }
        return kafka;
    }

    /** The shared registry (in-memory storage). */
    public static synchronized ApicurioRegistry registry() {
        if (registry == null) {
            registry = new ApicurioRegistry(ApicurioRegistry.Config.ephemeral(workDir().resolve("registry"))).start();
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "stop-shared-registry"));
        }
        return registry;
    }

    /** The shared PostgreSQL server. */
    public static synchronized LocalPostgres postgres() {
        if (postgres == null) {
            postgres = LocalPostgres.start(0, workDir().resolve("postgres"), false);
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "stop-shared-postgres"));
        }
        return postgres;
    }

    private static Path workDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("tollgate-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return workDir;
    }
}
