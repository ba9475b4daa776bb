package dev.tollgate.gateway.budget;

import dev.tollgate.schemas.CalendarPeriods;

/**
 * Why a hard budget refused a request.
 *
 * @param budget          the budget that refused it
 * @param window          its current period
 * @param kind            why
 * @param spentMicros     spend counted in the period, as the owner (or the last published state) last said
 * @param heldMicros      what leases hold that usage has not counted yet: requests in flight on this or other
 *                        replicas, and unspent leases that may come back
 * @param requestedMicros the refused request's worst-case cost
 */
record Refusal(Budget budget, CalendarPeriods.Window window, Kind kind, long spentMicros, long heldMicros,
               long requestedMicros) {

    /** Why a request was refused. */
    enum Kind {
        /** The limit is spent: 429 until the period ends or the limit is raised. */
        SPENT,
        /** What is left is below the request's worst case, and nothing is held that could come back: 429. */
        TOO_LARGE,
        /** What is left, less what leases hold, is below the request's worst case; some may come back: 429. */
        HELD,
        /** The owner did not answer within the wait and this replica holds no lease that covers it: 503. */
        OWNER_UNREACHABLE
    }

    /** Whether waiting cannot help: only a new period, a raised limit or a smaller request can. */
    boolean untilPeriodEnd() {
        return kind == Kind.SPENT || kind == Kind.TOO_LARGE;
    }
}
