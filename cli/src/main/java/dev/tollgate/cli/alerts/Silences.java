package dev.tollgate.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which silences mute an alert, as the notifier decides it (docs/alerts.md#silences): a silence is active from
 * {@code starts_at} until {@code ends_at}, and mutes an alert when every one of its matchers equals the alert's label.
 */
final class Silences {

    private Silences() {
    }

    /** The ids of the silences of {@code silences} (the admin API's objects) that mute {@code labels} at {@code now}. */
    static List<String> muting(JsonNode silences, Map<String, String> labels, Instant now) {
        List<String> ids = new ArrayList<>();
        for (JsonNode silence : silences) {
            if (active(silence, now) && matches(silence.path("matchers"), labels)) {
                ids.add(silence.path("id").asText());
            }
        }
        return ids;
    }

    static boolean active(JsonNode silence, Instant now) {
        Instant starts = Instant.parse(silence.path("starts_at").asText());
        Instant ends = Instant.parse(silence.path("ends_at").asText());
        return !now.isBefore(starts) && now.isBefore(ends);
    }

    private static boolean matches(JsonNode matchers, Map<String, String> labels) {
        if (!matchers.isObject() || matchers.isEmpty()) {
            return false;
        }
        var fields = matchers.fields();
        while (fields.hasNext()) {
            var matcher = fields.next();
            if (!matcher.getValue().asText().equals(labels.get(matcher.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
