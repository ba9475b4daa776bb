package dev.tollgate.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-system chores shared by the launcher and the test harnesses. */
public final class Directories {

    private Directories() {
    }

    /**
     * Deletes a directory and everything below it, deepest first, as far as it can: a file that cannot be deleted
     * (gone already, or held by a process still stopping) is left, and so are the directories above it. Why best
     * effort: every caller clears a platform's data directory, where a leftover file costs disk space, not
     * correctness, and must not fail a launch or a test that passed.
     *
     * @throws IOException when the tree cannot be walked
     */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
