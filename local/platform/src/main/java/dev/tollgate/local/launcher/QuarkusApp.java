package dev.tollgate.local.launcher;

import dev.tollgate.local.process.ChildJvm;
import dev.tollgate.local.process.Http;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A built Tollgate application (gateway or streams) run exactly as in production, {@code java -jar
 * quarkus-run.jar}; only its configuration, passed as system properties and environment, points it at the
 * local parts. Secrets go in the environment, never on the command line, where {@code ps} would show them.
 */
final class QuarkusApp {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private QuarkusApp() {
    }

    /**
     * Starts the app and waits until {@code readinessUrl} answers 200.
     *
     * @param name        {@code gateway} or {@code streams}
     * @param runner      its {@code quarkus-run.jar}
     * @param heap        maximum heap, e.g. {@code 256m}
     * @param properties  configuration, as {@code -D} properties
     * @param secrets     configuration that must not appear on the command line, as environment variables
     */
    static ChildJvm start(String name, Path runner, String heap, Map<String, String> properties,
                          Map<String, String> secrets, Path logFile, String readinessUrl) {
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseParallelGC"));
        properties.forEach((key, value) -> jvmArgs.add("-D" + key + "=" + value));
        ChildJvm app = ChildJvm.start(new ChildJvm.Spec(name, jvmArgs, List.of("-jar", runner.toString()), List.of(),
                logFile, secrets));
        try {
            app.awaitReady(START_TIMEOUT, () -> Http.answers200(readinessUrl));
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }
}
