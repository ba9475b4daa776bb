package dev.tollgate.local.process;

import java.io.IOException;
import java.io.InputStream;

/**
 * Makes a child JVM exit when its parent dies. {@link ChildJvm} keeps the child's stdin as a pipe; when the
 * parent goes away, even by SIGKILL, the pipe closes and the child reads end-of-file. This is what keeps a
 * crashed launcher or test JVM from leaving a broker behind.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    /** Starts a daemon thread that exits this JVM (running its shutdown hooks) when stdin closes. */
    public static void install() {
        Thread thread = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() != -1) {
                    // the parent never writes; anything read is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same thing as end-of-file
            }
            System.exit(0);
        }, "parent-watchdog");
        thread.setDaemon(true);
        thread.start();
    }
}
