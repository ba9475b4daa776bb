package dev.tollgate.evals.scoring;

/**
 * An evaluator's verdict on one request: a value from 0 to 1 and whether it passes, or an error saying why no
 * value could be given. An error is a result, recorded like any score, so that nothing scored is silently lost.
 *
 * @param value  from 0 to 1, or null with an error
 * @param passed whether the value meets the evaluator's bar, or null with an error
 * @param error  a stable code and a message ({@code no_reference: ...}), or null
 * @param detail a short explanation for people (the first schema violation, the judge's reasoning), or null
 */
public record Score(Double value, Boolean passed, String error, String detail) {

    /** The longest detail kept: a score is a record per request, not a report. */
    public static final int MAX_DETAIL = 500;

    public Score {
        detail = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
    }

    /** A score of 1 or 0. */
    public static Score of(boolean passed, String detail) {
        return new Score(passed ? 1.0 : 0.0, passed, null, detail);
    }

    /** A graded score that passes at {@code threshold}. */
    public static Score graded(double value, double threshold, String detail) {
        double clamped = Math.max(0.0, Math.min(1.0, value));
        return new Score(clamped, clamped >= threshold, null, detail);
    }

    /** No value: {@code code} is stable, for counting; {@code message} is for people. */
    public static Score error(String code, String message) {
        return new Score(null, null, code + ": " + message, null);
    }

    /** Whether this is an error rather than a value. */
    public boolean isError() {
        return error != null;
    }
}
