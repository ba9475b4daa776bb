package dev.tollgate.local.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local platform's security pieces (docs/security.md#the-local-platform). The key-encryption key that seals the
 * endpoints' upstream API keys is generated once per data directory and kept there ({@code kek/local-1}, readable by
 * its owner only), so the sealed keys in the local PostgreSQL open again on the next run; the environment variable
 * {@code TOLLGATE_SECRETS_KEKS} ({@code id:base64[,...]}) replaces it. And a read-only admin credential can be created
 * at start for the console or the CLI, so neither needs the master token.
 */
final class LocalKeks {

    static final String ENV = "TOLLGATE_SECRETS_KEKS";
    static final String KEK_ID = "local-1";

    private LocalKeks() {
    }

    /**
     * The directory holding the local KEK, generating the KEK the first time; never logs or prints it. Synchronized:
     * the gateway replicas start in parallel and must all get the same KEK.
     */
    static synchronized Path ensure(Path dataDir) {
        Path dir = dataDir.resolve("kek");
        Path kek = dir.resolve(KEK_ID);
        try {
            if (!Files.exists(kek)) {
                Files.createDirectories(dir);
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Path tmp = Files.createTempFile(dir, ".kek", ".tmp");
                restrict(tmp);
                Files.writeString(tmp, Base64.getEncoder().encodeToString(bytes), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, kek); // a rename in one directory; fails rather than replace
                } catch (FileAlreadyExistsException e) {
                    Files.deleteIfExists(tmp); // another launcher on the same data directory was first: keep its KEK
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("the local key-encryption key could not be written under " + dir, e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data directory's own permissions protect it
        }
    }
}
