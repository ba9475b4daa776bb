package dev.tollgate.notifier.delivery;

import java.time.Duration;

/** Exponential backoff between attempts: the initial wait, doubled after each failed attempt, up to the maximum. */
record Backoff(Duration initial, Duration max) {

    /** The wait after the {@code attempts}-th failed attempt (from 1). */
    Duration after(int attempts) {
        long ms = initial.toMillis();
        for (int i = 1; i < attempts && ms < max.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
