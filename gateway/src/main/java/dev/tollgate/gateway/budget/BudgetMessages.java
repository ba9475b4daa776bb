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
    static String refused(Refusal r) {
        Budget b = r.budget();
        String period = "the " + b.period().name().toLowerCase(Locale.ROOT) + " budget of " + dollars(b.limitMicros())
                + " for the period " + Instant.ofEpochMilli(r.window().startMs()) + " to "
                + Instant.ofEpochMilli(r.window().endMs()) + " (" + b.zone() + ")";
        String resets = Instant.ofEpochMilli(r.window().endMs()).toString();
        long left = Math.max(0, b.limitMicros() - r.spentMicros());
        switch (r.kind()) {
            case SPENT:
                return "Budget exceeded for " + b.describeScope() + ": " + period + " is spent ("
                        + dollars(r.spentMicros()) + " used). It resets at " + resets + ".";
            case TOO_LARGE:
                return "Budget exceeded for " + b.describeScope() + ": " + period + " has " + dollars(left)
                        + " left, less than this request may cost (up to " + dollars(r.requestedMicros())
                        + "). Lower max_tokens; the budget resets at " + resets + ".";
            case HELD:
                return "Budget exceeded for " + b.describeScope() + ": " + period + " has " + dollars(left)
                        + " left, of which requests in flight and spend leases of gateway replicas hold "
                        + dollars(r.heldMicros()) + ", and this request may cost up to "
                        + dollars(r.requestedMicros()) + ". Lower max_tokens, or retry in a moment: what they do not "
                        + "spend comes back.";
            default:
                return "The budget of " + b.describeScope() + " cannot be checked right now: this gateway holds no "
                        + "spend lease that covers this request (up to " + dollars(r.requestedMicros())
                        + "), and the budget's owner did not answer in time. Hard budgets fail closed; retry shortly.";
        }
    }

    /**
     * Seconds until the period ends when waiting cannot help; 1 when what is left is held by leases, or the owner
     * did not answer.
     */
    static long retryAfterSeconds(Refusal r, long nowMs) {
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
