package dev.tollgate.streams.budgets;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes the global thread made to the budget definitions store, so that the spend processors (on the
 * stream threads) can keep each org's definitions in memory across commits and read the store again only after a
 * change. Definitions change a few times a day; without this, every commit re-scanned the store once per org with
 * usage in it.
 *
 * <p>The loader counts a change after writing the store, so a processor that sees the new count also sees the new
 * definitions; a processor that read a definition just before the count moved drops it at its next commit.
 */
final class DefinitionChanges {

    private final AtomicLong count = new AtomicLong();

    /** Called by the loader after every write or delete. */
    void changed() {
        count.incrementAndGet();
    }

    /** The number of changes so far. */
    long count() {
        return count.get();
    }
}
