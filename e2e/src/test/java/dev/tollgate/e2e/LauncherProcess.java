package dev.tollgate.e2e;

import dev.tollgate.local.LocalInstallation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The launcher run the way {@code ./tollgate-local} runs it: its own JVM, its console captured line by line.
 */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path dataDir;
    private final Thread reader;

    private LauncherProcess(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "launcher-console");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static LauncherProcess start(Path dataDir, List<String> args, Map<String, String> env) throws IOException {
        LocalInstallation installation = LocalInstallation.fromBuild();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", installation.childClasspath(), "dev.tollgate.local.launcher.LaunchCommand",
                "--data-dir", dataDir.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(installation.projectRoot().toFile());
        builder.environment().putAll(env);
        return new LauncherProcess(builder.start(), dataDir);
    }

    /** Waits for a console line that matches; empty when the launcher exits or time runs out first. */
    Optional<String> awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> found = lines.stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found;
            }
            if (!process.isAlive()) {
                Thread.sleep(200); // let the reader drain the last lines
                return lines.stream().filter(match).findFirst();
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    String console() {
        return String.join("\n", lines);
    }

    /** Sends SIGTERM (what Ctrl-C triggers too) and waits for the exit code. */
    int stop(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the console pipe, losing what the
        // launcher prints while it stops.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not stop within " + timeout + ":\n" + console());
        }
        reader.join(5000);
        return process.exitValue();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the launcher did not exit within " + timeout + ":\n" + console());
        }
        reader.join(5000);
        return process.exitValue();
    }

    /** Processes still running whose command line names this run's data directory. */
    List<String> leftovers() {
        String marker = dataDir.toAbsolutePath().toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(marker) && !c.contains("LaunchCommand"))
                .toList();
    }

    /**
     * Stops the launcher the way Ctrl-C does, so it stops its children too, even when a test failed before it
     * could call {@link #stop}. Killing it outright would leave the broker's siblings running, and no later run
     * would reap them: their data directory is a deleted temporary one.
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
