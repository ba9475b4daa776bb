package dev.tollgate.streams.deadletter;

import java.util.Objects;

import com.microsoft.kiota.ApiException;

/**
 * A record that cannot be accounted for, on its way to a dead-letter topic: the original value bytes (so it can be
 * replayed unchanged once the cause is fixed) and why it was rejected.
 *
 * @param reason         the machine-readable reason
 * @param detail         a human-readable explanation, e.g. {@code prompt_tokens=-5}
 * @param exceptionClass the class of the exception that rejected it, or {@code null} when a rule did
 * @param value          the original value bytes, untouched; {@code null} for a tombstone
 */
public record DeadLetter(DeadLetterReason reason, String detail, String exceptionClass, byte[] value) {

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** A record rejected by a validation rule. */
    public static DeadLetter rule(DeadLetterReason reason, String detail, byte[] value) {
        return new DeadLetter(reason, detail, null, value);
    }

    /**
     * A failure to decode, as a dead letter's detail: each cause's class and message, outermost first, with the HTTP
     * status when the registry refused a lookup; at most about 512 characters.
     */
    public static String describe(Throwable failure) {
        StringBuilder detail = new StringBuilder();
        for (Throwable t = failure; t != null && detail.length() < 512; t = t.getCause() == t ? null : t.getCause()) {
            if (!detail.isEmpty()) {
                detail.append(" <- ");
            }
            detail.append(t.getClass().getSimpleName());
            if (t instanceof ApiException api) {
                detail.append(" (registry answered HTTP ").append(api.getResponseStatusCode()).append(')');
            } else {
                detail.append(": ").append(t.getMessage());
            }
        }
        return detail.toString();
    }
}
