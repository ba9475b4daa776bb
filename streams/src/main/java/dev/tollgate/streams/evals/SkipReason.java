package dev.tollgate.streams.evals;

import java.util.Locale;

/**
 * Why a request event was not scored. Counted (never silently dropped) in {@code tollgate.evals.requests.skipped}
 * by reason; the names are a contract for dashboards and alerts, so values are only ever added.
 */
enum SkipReason {
    /** A judge's or an embedding call made while scoring another request: scoring it would recurse. */
    JUDGE_CALL,
    /** The request did not end with an answer (refused, failed, cancelled): there is nothing to score. */
    NOT_ANSWERED,
    /** The request event carries no content: capture is off for its org. */
    NO_CONTENT,
    /** An embeddings request: it has no output text to score. */
    EMBEDDINGS,
    /** The request names an eval run this instance does not know (deleted, or not loaded yet). */
    UNKNOWN_RUN;

    /** The tag value: the name in lowercase. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
