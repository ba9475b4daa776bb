package dev.tollgate.local.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the processes a run started, so the next run can stop any that a crash of the launcher (a
 * SIGKILL, a closed terminal) left behind. A pid is only ever signalled when the process still runs a command
 * that names this run's data directory, so a recycled pid is never touched.
 */
final class StaleProcesses {

    private final Path pidFile;
    private final String marker;

    StaleProcesses(Path dataDir) {
        this.pidFile = dataDir.resolve("pids");
        this.marker = dataDir.toAbsolutePath().toString();
    }

    /** Stops what a previous run left behind; returns how many processes it stopped. */
    int reap(Path postgresDataDir) {
        int stopped = 0;
        for (long pid : recorded()) {
            stopped += stopIfOurs(pid) ? 1 : 0;
        }
        Optional<Long> postgres = postmasterPid(postgresDataDir);
        if (postgres.isPresent() && stopIfOurs(postgres.get())) {
            stopped++;
        }
        return stopped;
    }

    /** Adds a started process to the record. */
    synchronized void record(long pid) {
        try {
            Files.createDirectories(pidFile.getParent());
            Files.writeString(pidFile, pid + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + pidFile + ": " + e.getMessage(), e);
        }
    }

    /** Forgets every process: called after a clean stop. */
    void clear() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // a stale record only makes the next run check pids that are gone
        }
    }

    private List<Long> recorded() {
        try {
            return Files.exists(pidFile) ? Files.readAllLines(pidFile).stream().filter(l -> l.matches("\\d+"))
                    .map(Long::parseLong).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private boolean stopIfOurs(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        String command = handle.get().info().commandLine().orElse("");
        if (!command.contains(marker)) {
            return false;
        }
        handle.get().descendants().forEach(ProcessHandle::destroy);
        handle.get().destroy();
        try {
            handle.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.get().destroyForcibly();
        }
        return true;
    }

    private static Optional<Long> postmasterPid(Path postgresDataDir) {
        Path file = postgresDataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(file).get(0).trim();
            return first.matches("\\d+") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (IOException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

}
