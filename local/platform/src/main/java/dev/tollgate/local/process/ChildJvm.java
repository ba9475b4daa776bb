package dev.tollgate.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * A server running in a child JVM: the broker, the registry, the gateway or the streams app. Its output goes
 * to a log file, readiness is polled with a caller's check, and it is stopped with SIGTERM then SIGKILL.
 * Every child is also stopped by a JVM shutdown hook, so a failed or interrupted start never leaves one behind.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChildJvm.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Spec spec;
    private final Process process;
    private final Thread shutdownHook;

    /**
     * What to run.
     *
     * @param name     a short name used in logs and errors, e.g. {@code kafka}
     * @param jvmArgs  JVM options such as {@code -Xmx} and {@code -D} properties
     * @param launch   what follows the options: {@code -cp <cp> <main>} or {@code -jar <jar>}
     * @param args     program arguments
     * @param logFile  where stdout and stderr go
     * @param env      extra environment variables
     */
    public record Spec(String name, List<String> jvmArgs, List<String> launch, List<String> args, Path logFile,
                       Map<String, String> env) {
        public Spec {
            jvmArgs = List.copyOf(jvmArgs);
            launch = List.copyOf(launch);
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    private ChildJvm(Spec spec, Process process) {
        this.spec = spec;
        this.process = process;
        this.shutdownHook = new Thread(() -> stop(Duration.ofSeconds(5)), "stop-" + spec.name());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the child. Its stdin stays a pipe, so a child that watches stdin exits when this JVM dies. */
    public static ChildJvm start(Spec spec) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(spec.jvmArgs());
        command.addAll(spec.launch());
        command.addAll(spec.args());
        try {
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
            builder.environment().putAll(spec.env());
            Process process = builder.start();
            LOG.infof("started child=%s pid=%d log=%s", spec.name(), process.pid(), spec.logFile());
            return new ChildJvm(spec, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name(), e);
        }
    }

    /**
     * Waits until {@code ready} holds.
     *
     * @throws IllegalStateException when the child exits first or the timeout passes; the message carries the
     *                               tail of the child's log, which is where the reason is
     */
    public void awaitReady(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(spec.name() + " exited with code " + process.exitValue()
                        + " during start-up; last lines of " + spec.logFile() + ":\n" + logTail(30));
            }
            if (safely(ready)) {
                return;
            }
            sleep(POLL);
        }
        throw new IllegalStateException(spec.name() + " was not ready within " + timeout.toSeconds()
                + " s; last lines of " + spec.logFile() + ":\n" + logTail(30));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return spec.name();
    }

    /** Asks the child to stop (SIGTERM), then kills it and anything it started after {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("child=%s did not stop within %d ms, killing it", spec.name(), grace.toMillis());
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the child at once, as a crash would. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }

    /** The last {@code lines} lines of the child's log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(spec.logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
