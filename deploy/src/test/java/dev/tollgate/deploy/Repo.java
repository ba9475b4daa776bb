package dev.tollgate.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's top-level deployment files, which live outside this module. */
final class Repo {

    private static final Path ROOT = Path.of(System.getProperty("tollgate.root", "..")).toAbsolutePath().normalize();

    private Repo() {
    }

    static Path root() {
        if (!Files.isDirectory(ROOT.resolve("helm"))) {
            throw new IllegalStateException("no helm/ under " + ROOT + ": set -Dtollgate.root to the repository root");
        }
        return ROOT;
    }

    static Path chart(String name) {
        return root().resolve("helm").resolve(name);
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }
}
