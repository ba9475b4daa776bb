package dev.tollgate.gateway.budget;

/**
 * A spend lease this replica holds on one hard budget: what the owner granted, what requests admitted against it
 * have reserved (their worst case, while in flight) and spent (their real cost, once finished). Guarded by its
 * {@link BudgetAccount}'s lock.
 *
 * <p>It is <i>closed</i> once nothing more may be admitted against it: it expired (locally, counted from when this
 * replica asked for it, which is never later than the owner's expiry), its period ended, it sat idle, its budget
 * changed, or it could not fit the request at hand. A closed lease is returned to the owner: with the worst case of
 * its requests in flight while there are any, then, once they finished, with exactly what it paid for.
 */
final class HeldLease {

    final String id;
    final long periodStartMs;
    final long grantedMicros;
    final long expiresAtNanos;
    long reservedMicros;
    long spentMicros;
    int inFlight;
    long lastUsedNanos;
    boolean closed;
    /** A return with the worst case of the requests in flight was sent; the complete one follows when they end. */
    boolean boundSent;

    HeldLease(String id, long periodStartMs, long grantedMicros, long expiresAtNanos, long nowNanos) {
        this.id = id;
        this.periodStartMs = periodStartMs;
        this.grantedMicros = grantedMicros;
        this.expiresAtNanos = expiresAtNanos;
        this.lastUsedNanos = nowNanos;
    }

    /** What is left to admit against it. */
    long freeMicros() {
        return grantedMicros - reservedMicros - spentMicros;
    }

    /** Whether a request of worst case {@code amountMicros} may be admitted against it now, in period {@code periodStartMs}. */
    boolean fits(long amountMicros, long nowNanos, long currentPeriodStartMs) {
        return !closed && nowNanos < expiresAtNanos && periodStartMs == currentPeriodStartMs
                && freeMicros() >= amountMicros;
    }

    void reserve(long amountMicros, long nowNanos) {
        reservedMicros += amountMicros;
        inFlight++;
        lastUsedNanos = nowNanos;
    }

    /** A request admitted against it ended: its reservation is replaced by its real cost (0 when released unused). */
    void settle(long reservedAmount, long costMicros) {
        reservedMicros -= reservedAmount;
        spentMicros += costMicros;
        inFlight--;
    }
}
