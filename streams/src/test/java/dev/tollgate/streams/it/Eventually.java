package dev.tollgate.streams.it;

import java.time.Duration;

/** Repeats an assertion until it holds or a deadline passes; then rethrows its last failure. */
final class Eventually {

    private Eventually() {
    }

    static void within(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting", e);
            }
        }
    }
}
