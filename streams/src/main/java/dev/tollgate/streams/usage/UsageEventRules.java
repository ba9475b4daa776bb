package dev.tollgate.streams.usage;

import java.util.Optional;

import dev.tollgate.events.v1.UsageEvent;
import dev.tollgate.streams.deadletter.DeadLetterReason;

/**
 * The plausibility rules a usage event must pass to be counted. They catch what the schema cannot: an event that
 * decodes fine but would corrupt totals (negative amounts) or land in the wrong place (key is not the org).
 */
public final class UsageEventRules {

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

    /** The first rule {@code event}, read under record key {@code key}, breaks; empty when it breaks none. */
    public static Optional<Violation> check(String key, UsageEvent event) {
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
