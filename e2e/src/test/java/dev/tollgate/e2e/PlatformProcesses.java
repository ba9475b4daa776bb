package dev.tollgate.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The processes one launcher run started, found by their command lines (each names the run's data directory), so
 * that a test can fail them as production fails: kill a JVM with SIGKILL, freeze the broker with SIGSTOP, and start
 * a killed app again exactly as the launcher had started it.
 */
final class PlatformProcesses {

    private final String marker;

    PlatformProcesses(Path dataDir) {
        this.marker = dataDir.toAbsolutePath().toString();
    }

    /** The Quarkus app (a gateway replica or the streams app) serving HTTP on {@code port}. */
    ProcessHandle app(int port) {
        return find("-Dquarkus.http.port=" + port + " ");
    }

    /** The Kafka broker. */
    ProcessHandle broker() {
        return find("dev.tollgate.local.kafka.BrokerMain");
    }

    /**
     * The whole command line, from {@code /proc}: {@code ProcessHandle.Info} gives none for a command line as long as
     * the broker's (its class path).
     */
    private static String commandLine(ProcessHandle process) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException gone) {
            return "";
        }
    }

    /** SIGKILL, as a crash or an OOM kill does; waits until the process is gone. */
    static void kill(ProcessHandle process) throws Exception {
        process.destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) with {@code kill}. */
    static void signal(ProcessHandle process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** The command line of a running process, to start it again after it was killed. */
    static List<String> commandOf(ProcessHandle process) {
        List<String> command = new ArrayList<>();
        command.add(process.info().command().orElseThrow());
        command.addAll(List.of(process.info().arguments().orElseThrow()));
        return command;
    }

    /**
     * Starts {@code command} again with this test's environment plus {@code env}, logging to {@code log}, and waits
     * until {@code readinessUrl} answers 200. The caller stops it ({@link Process#destroy}) before the launcher.
     */
    static Process relaunch(List<String> command, Map<String, String> env, Path log, String readinessUrl,
                            Duration timeout) throws Exception {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("relaunched process exited: " + Files.readString(log));
            }
            try {
                if (BudgetClients.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(readinessUrl))
                        .build()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new AssertionError("relaunched process not ready within " + timeout + ": " + readinessUrl);
    }

    private ProcessHandle find(String needle) {
        List<ProcessHandle> found = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> {
                    String line = commandLine(p) + " ";
                    return line.contains(marker) && line.contains(needle);
                }).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one process with '" + needle.trim() + "' of " + marker + ", found "
                    + found.size());
        }
        return found.get(0);
    }
}
