package dev.tollgate.local.process;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs another program's {@code main} in a child JVM after installing the {@link ParentWatchdog}, so that a
 * server the local platform did not write (the Kafka Connect worker, the billing consumer) also exits when the
 * launcher or test JVM that started it dies. It needs nothing but this class and the watchdog on the class path.
 *
 * <p>Arguments: {@code <main class> [its arguments...]}.
 */
public final class WatchedMain {

    private WatchedMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: WatchedMain <main class> [arguments...]");
            System.exit(2);
        }
        ParentWatchdog.install();
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
