package dev.tollgate.streams.intake;

import java.time.Duration;
import java.util.Optional;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.deadletter.DeadLetterReason;

/**
 * The plausibility rules a usage event must pass to be counted. They catch what the schema cannot: an event that
 * decodes fine but would corrupt totals (negative amounts), land in the wrong place (key is not the org), or carry
 * a time that would break the time-based stores (see {@link DeadLetterReason#IMPOSSIBLE_TIME}).
 */
public final class UsageEventRules {

    /**
     * How far {@code completed_at} may be after the record's timestamp. The gateway stamps the record on the same
     * clock after the event completed, so this only absorbs a clock stepped back in between. No rule compares with
     * this host's clock: the broker already refuses records stamped more than {@code message.timestamp.after.max.ms}
     * (an hour by default since Kafka 4.0) ahead of its own.
     */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private UsageEventRules() {
    }

    /**
     * A broken rule: why and the offending values.
     *
     * @param reason the reason written to the dead-letter headers
     * @param detail the offending field and value
     */
    public record Violation(DeadLetterReason reason, String detail) {
    }

    /**
     * The first rule {@code event} breaks; empty when it breaks none.
     *
     * @param key             the record key it was read under
     * @param event           the decoded event
     * @param recordTimestamp the record's timestamp, epoch milliseconds
     */
    public static Optional<Violation> check(String key, UsageEvent event, long recordTimestamp) {
        if (isBlank(event.getEventId())) {
            return violation(DeadLetterReason.BLANK_EVENT_ID, "event_id is blank");
        }
        if (isBlank(event.getOrgId())) {
            return violation(DeadLetterReason.BLANK_ORG_ID, "org_id is blank");
        }
        if (!event.getOrgId().equals(key)) {
            return violation(DeadLetterReason.KEY_MISMATCH,
                    "record key '" + key + "' is not org_id '" + event.getOrgId() + "'");
        }
        Optional<Violation> tokens = negativeTokens(event);
        if (tokens.isPresent()) {
            return tokens;
        }
        if (event.getCostMicros() < 0) {
            return violation(DeadLetterReason.NEGATIVE_COST, "cost_micros=" + event.getCostMicros());
        }
        return impossibleTime(event.getCompletedAt().toEpochMilli(), recordTimestamp);
    }

    private static Optional<Violation> impossibleTime(long completedAt, long recordTimestamp) {
        long skew = CLOCK_SKEW.toMillis();
        if (completedAt < 0) {
            return violation(DeadLetterReason.IMPOSSIBLE_TIME, "completed_at=" + completedAt + " is before 1970");
        }
        if (completedAt > recordTimestamp + skew) {
            return violation(DeadLetterReason.IMPOSSIBLE_TIME, "completed_at=" + completedAt + " is "
                    + (completedAt - recordTimestamp) + " ms after the record timestamp " + recordTimestamp);
        }
        return Optional.empty();
    }

    private static Optional<Violation> negativeTokens(UsageEvent event) {
        if (event.getPromptTokens() < 0) {
            return violation(DeadLetterReason.NEGATIVE_TOKENS, "prompt_tokens=" + event.getPromptTokens());
        }
        if (event.getCompletionTokens() < 0) {
            return violation(DeadLetterReason.NEGATIVE_TOKENS, "completion_tokens=" + event.getCompletionTokens());
        }
        if (event.getTotalTokens() < 0) {
            return violation(DeadLetterReason.NEGATIVE_TOKENS, "total_tokens=" + event.getTotalTokens());
        }
        if (event.getCachedTokens() < 0) {
            return violation(DeadLetterReason.NEGATIVE_TOKENS, "cached_tokens=" + event.getCachedTokens());
        }
        return Optional.empty();
    }

    private static Optional<Violation> violation(DeadLetterReason reason, String detail) {
        return Optional.of(new Violation(reason, detail));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
