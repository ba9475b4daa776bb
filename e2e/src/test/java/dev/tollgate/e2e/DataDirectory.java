package dev.tollgate.e2e;

import dev.tollgate.local.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The data directory of a test class that starts a platform once for all its tests (a broker's log, PostgreSQL, the
 * registry, journals and process logs: up to a few hundred MB). Deleted after the class's {@code @AfterAll} methods
 * have stopped the platform when every test passed, and kept, with its path printed, when a test or the class's
 * set-up failed: its logs are what explains the failure. JUnit's {@code @TempDir} cannot be used for these: it is
 * deleted whatever happened.
 *
 * <p>Register it as {@code @RegisterExtension static final DataDirectory DATA = new DataDirectory("prefix");} and
 * call {@link #create()} from the {@code @BeforeAll} method.
 */
final class DataDirectory implements TestWatcher, AfterAllCallback {

    private final String prefix;
    private volatile Path path;
    private volatile boolean failed;

    DataDirectory(String prefix) {
        this.prefix = prefix;
    }

    /** Creates the directory under the system's temporary directory. */
    Path create() throws IOException {
        path = Files.createTempDirectory(prefix);
        return path;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Path dir = path;
        if (dir == null) {
            return;
        }
        Optional<Throwable> classFailure = context.getExecutionException();
        if (failed || classFailure.isPresent()) {
            System.err.println("kept the data directory of the failed " + context.getDisplayName() + ": " + dir);
            return;
        }
        delete(dir);
    }

    private static void delete(Path dir) {
        try {
            Directories.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("could not delete the data directory " + dir + ": " + e);
        }
    }
}
