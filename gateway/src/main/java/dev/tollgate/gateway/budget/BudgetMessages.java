package dev.tollgate.gateway.budget;

import java.time.Instant;
import java.util.Locale;

/** The wording of a budget refusal: which budget, which period, how much, and when to come back. */
final class BudgetMessages {

    private BudgetMessages() {
    }

    /**
     * What the client reads in {@code error.message}, e.g. "Budget exceeded for team 'research' (budget b_1): the
     * monthly budget of $10.000000 for the period 2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z (UTC) is spent
     * ($10.000120 used). It resets at 2026-12-01T00:00:00Z."
     */
    static String refused(BudgetLedger.Refusal r) {
        Budget b = r.budget();
        String head = "Budget exceeded for " + b.describeScope() + ": the " + b.period().name().toLowerCase(Locale.ROOT)
                + " budget of " + dollars(b.limitMicros()) + " for the period " + Instant.ofEpochMilli(r.window().startMs())
                + " to " + Instant.ofEpochMilli(r.window().endMs()) + " (" + b.zone() + ")";
        if (r.spent()) {
            return head + " is spent (" + dollars(r.committedMicros()) + " used). It resets at "
                    + Instant.ofEpochMilli(r.window().endMs()) + ".";
        }
        long left = Math.max(0, b.limitMicros() - r.committedMicros());
        if (r.reservedMicros() == 0) {
            return head + " has " + dollars(left) + " left, less than this request may cost (up to "
                    + dollars(r.requestedMicros()) + "). Lower max_tokens; the budget resets at "
                    + Instant.ofEpochMilli(r.window().endMs()) + ".";
        }
        return head + " has " + dollars(left) + " left, of which requests in flight hold " + dollars(r.reservedMicros())
                + ", and this request may cost up to " + dollars(r.requestedMicros())
                + ". Lower max_tokens, or retry when requests in flight have finished.";
    }

    /**
     * Seconds until the period ends when waiting for requests in flight cannot help; 1 when they hold what is left.
     */
    static long retryAfterSeconds(BudgetLedger.Refusal r, long nowMs) {
        if (!r.untilPeriodEnd()) {
            return 1;
        }
        return Math.max(1, -Math.floorDiv(-(r.window().endMs() - nowMs), 1000L));
    }

    /** Micro-dollars as dollars with all six decimals: money in messages is exact, never rounded. */
    static String dollars(long micros) {
        return "$" + (micros / 1_000_000) + "." + String.format(Locale.ROOT, "%06d", Math.abs(micros % 1_000_000));
    }
}
