package dev.tollgate.streams.deadletter;

import java.util.Objects;

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
}
