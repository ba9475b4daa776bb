package dev.tollgate.streams.evals;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes the global thread made to the evals catalog stores, so that a scorer (on a stream thread)
 * keeps its parsed evaluators in memory and reads the stores again only after a change: evaluators change a few
 * times a day, requests arrive thousands of times a second. The loader counts after writing, so a scorer that sees
 * the new count also sees the new entries.
 */
final class CatalogChanges {

    private final AtomicLong count = new AtomicLong();

    void changed() {
        count.incrementAndGet();
    }

    long count() {
        return count.get();
    }
}
