package dev.tollgate.gateway.budget;

import dev.tollgate.schemas.CalendarPeriods;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * What one replica knows of one budget's spend in the current period, and what it has promised to requests in
 * flight. Admission compares {@code committed + reserved + this request's worst case} with the limit, where
 * <ul>
 *   <li><b>committed</b> is the spend the streams app last published ({@code BudgetState.spent_micros}, as of
 *       {@code as_of}) plus the spend of requests this replica finished that the published state does not yet
 *       count (the local ledger);</li>
 *   <li><b>reserved</b> is the worst-case cost of every request this replica admitted and has not finished.</li>
 * </ul>
 * A request's reservation is replaced by its real cost when it ends. That is what bounds overspend: one replica
 * alone never admits past the limit as long as no request costs more than its reservation; across replicas the
 * excess is at most what the others reserved and spent within the state's lag (docs/budgets.md).
 *
 * <p>Local spend is kept in slices of {@value #SLICE_MS} ms of completion time. A slice stays in the ledger
 * until a state arrives whose {@code as_of} is at least {@code overlapMs} after its last spend. The state's
 * {@code as_of} is the latest {@code completed_at} counted, and usage events reach the topic in roughly
 * completion order, so once an event that finished {@code overlapMs} later is counted, this one is too. Inside that overlap a spend may be counted twice, which only ever refuses early, never overspends.
 *
 * <p>All methods are synchronized: the lock is held for a few arithmetic operations on the request path (and for
 * one pass over the ledger when a state arrives, a few times per second).
 */
final class BudgetLedger {

    private final long overlapMs;
    private Budget budget;
    private CalendarPeriods.Window window;
    private long statePeriodStartMs = Long.MIN_VALUE;
    private long stateSpentMicros;
    private long asOfMs = Long.MIN_VALUE;
    private final ArrayDeque<Slice> local = new ArrayDeque<>();
    private long localMicros;
    private long reservedMicros;

    /**
     * The local spend of requests that completed within {@link #SLICE_MS} of each other, so the ledger holds a few
     * slices per second whatever the request rate, even when no state arrives for a long time (streams stopped).
     */
    private static final class Slice {
        private final long firstMs;
        private long lastMs;
        private long micros;

        Slice(long atMs, long micros) {
            this.firstMs = atMs;
            this.lastMs = atMs;
            this.micros = micros;
        }
    }

    /** Width of a slice of local spend. A slice leaves the ledger only once all of it is counted. */
    static final long SLICE_MS = 100;

    BudgetLedger(Budget budget, long overlapMs) {
        this.budget = budget;
        this.overlapMs = overlapMs;
    }

    synchronized Budget budget() {
        return budget;
    }

    /** Replaces the definition; spend and reservations carry over (a raised limit admits again at once). */
    synchronized void redefine(Budget newer) {
        if (budget != null && (budget.period() != newer.period() || !budget.zone().equals(newer.zone()))) {
            window = null;
        }
        budget = newer;
    }

    /**
     * Reserves {@code amountMicros} when it fits under a hard limit, or always for a soft one.
     *
     * @return null when reserved, else why not
     */
    synchronized Refusal reserve(long amountMicros, long nowMs) {
        roll(nowMs);
        long committed = committed();
        if (budget.hard() && (committed >= budget.limitMicros()
                || amountMicros > budget.limitMicros() - committed - reservedMicros)) {
            return new Refusal(budget, window, committed, reservedMicros, amountMicros);
        }
        reservedMicros += amountMicros;
        return null;
    }

    /** Releases a reservation without spend: a later budget of the same request refused it. */
    synchronized void release(long amountMicros) {
        reservedMicros -= amountMicros;
    }

    /** Replaces a reservation with what the request really cost, finished at {@code completedAtMs}. */
    synchronized void settle(long reservedAmount, long completedAtMs, long costMicros, long nowMs) {
        reservedMicros -= reservedAmount;
        roll(nowMs);
        if (costMicros > 0 && completedAtMs >= window.startMs()) {
            Slice last = local.peekLast();
            if (last != null && completedAtMs < last.firstMs + SLICE_MS) {
                last.lastMs = Math.max(last.lastMs, completedAtMs);
                last.micros += costMicros;
            } else {
                local.addLast(new Slice(completedAtMs, costMicros));
            }
            localMicros += costMicros;
        }
    }

    /** Takes a published state: the spend of the period starting at {@code periodStartMs}, as of {@code asOf}. */
    synchronized void applyState(long periodStartMs, long spentMicros, long asOf, long nowMs) {
        statePeriodStartMs = periodStartMs;
        stateSpentMicros = spentMicros;
        asOfMs = asOf;
        prune(nowMs);
    }

    /** What the replica believes now, for the admin API and tests. */
    synchronized View view(long nowMs) {
        roll(nowMs);
        long committed = committed();
        return new View(budget, window, committed, localMicros, reservedMicros,
                Math.max(0, budget.limitMicros() - committed - reservedMicros), asOfMs);
    }

    /** How many slices of local spend the ledger holds; for tests of its memory bound. */
    synchronized int slices() {
        return local.size();
    }

    private long committed() {
        long published = statePeriodStartMs >= window.startMs() ? stateSpentMicros : 0;
        return published + localMicros;
    }

    private void roll(long nowMs) {
        if (window == null || nowMs >= window.endMs() || nowMs < window.startMs()) {
            window = CalendarPeriods.containing(budget.period(), budget.zone(), Instant.ofEpochMilli(nowMs));
            prune(nowMs);
        }
    }

    private void prune(long nowMs) {
        if (window == null) {
            roll(nowMs);
            return;
        }
        long countedUpTo = asOfMs == Long.MIN_VALUE ? Long.MIN_VALUE : asOfMs - overlapMs;
        for (Iterator<Slice> it = local.iterator(); it.hasNext(); ) {
            Slice slice = it.next();
            if (slice.lastMs < window.startMs() || slice.lastMs <= countedUpTo) {
                localMicros -= slice.micros;
                it.remove();
            }
        }
    }

    /**
     * Why a request was refused.
     *
     * @param budget          the budget that refused it
     * @param window          its current period
     * @param committedMicros spend counted in the period
     * @param reservedMicros  held by requests in flight
     * @param requestedMicros the refused request's worst-case cost
     */
    record Refusal(Budget budget, CalendarPeriods.Window window, long committedMicros, long reservedMicros,
                   long requestedMicros) {

        /** Whether the limit is spent outright, rather than held by requests in flight. */
        boolean spent() {
            return committedMicros >= budget.limitMicros();
        }

        /**
         * Whether waiting for requests in flight cannot help: the limit is spent, or nothing is in flight and what
         * is left is below this request's worst case. Only a new period, a raised limit or a smaller request can.
         */
        boolean untilPeriodEnd() {
            return spent() || reservedMicros == 0;
        }
    }

    /**
     * One budget as this replica sees it.
     *
     * @param budget          the definition
     * @param window          the current period
     * @param committedMicros published spend of the period plus local spend not yet published
     * @param localMicros     the local part of it
     * @param reservedMicros  held by requests in flight
     * @param remainingMicros what is left to admit
     * @param asOfMs          the published state's as-of, or {@code Long.MIN_VALUE} before the first state
     */
    record View(Budget budget, CalendarPeriods.Window window, long committedMicros, long localMicros,
                long reservedMicros, long remainingMicros, long asOfMs) {
    }
}
