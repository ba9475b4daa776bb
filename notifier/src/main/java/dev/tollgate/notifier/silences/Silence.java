package dev.tollgate.notifier.silences;

import dev.tollgate.control.v1.AlertSilence;
import java.time.Instant;
import java.util.Map;

/**
 * A silence as the notifier holds it.
 *
 * @param id       silence id
 * @param matchers label name to value, all of which an alert's labels must equal
 * @param startsAt when it starts muting
 * @param endsAt   when it stops (exclusive)
 * @param version  the row version; an older one never replaces a newer one
 */
public record Silence(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt, long version) {

    static Silence of(AlertSilence record) {
        return new Silence(record.getSilenceId(), Map.copyOf(record.getMatchers()), record.getStartsAt(),
                record.getEndsAt(), record.getVersion());
    }

    /** Whether it mutes an alert with {@code labels} at {@code now}: active, with every matcher equal. */
    public boolean mutes(Map<String, String> labels, Instant now) {
        return !matchers.isEmpty() && !now.isBefore(startsAt) && now.isBefore(endsAt)
                && matchers.entrySet().stream().allMatch(m -> m.getValue().equals(labels.get(m.getKey())));
    }
}
