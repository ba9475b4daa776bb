package dev.tollgate.notifier.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tollgate.events.v1.AlertState;
import dev.tollgate.events.v1.AlertTransition;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as a notification carries it: exactly the fields of an alert in Alertmanager's webhook payload, so that
 * tools written for Alertmanager read it.
 *
 * @param status       {@code firing} or {@code resolved}
 * @param labels       the alert's labels
 * @param annotations  the alert's annotations
 * @param startsAt     when it started firing (RFC 3339)
 * @param endsAt       when it resolved, or {@code 0001-01-01T00:00:00Z} while firing, as Alertmanager writes it
 * @param generatorUrl where to see it: the streams app's {@code GET /v1/alerts?rule=}, or empty
 * @param fingerprint  its identity
 */
public record AlertItem(@JsonProperty("status") String status, @JsonProperty("labels") Map<String, String> labels,
                        @JsonProperty("annotations") Map<String, String> annotations,
                        @JsonProperty("startsAt") String startsAt, @JsonProperty("endsAt") String endsAt,
                        @JsonProperty("generatorURL") String generatorUrl,
                        @JsonProperty("fingerprint") String fingerprint) {

    /** Alertmanager's "not ended" time. */
    public static final String NOT_ENDED = "0001-01-01T00:00:00Z";

    public boolean firing() {
        return "firing".equals(status);
    }

    /**
     * The item of a firing or resolved transition.
     *
     * @param generatorBase the streams app's query API, or null
     */
    public static AlertItem of(AlertTransition t, String generatorBase) {
        boolean resolved = t.getState() == AlertState.RESOLVED;
        Instant starts = t.getFiredAt() != null ? t.getFiredAt() : t.getActiveAt();
        return new AlertItem(resolved ? "resolved" : "firing", new TreeMap<>(t.getLabels()),
                new TreeMap<>(t.getAnnotations()), starts.toString(),
                resolved && t.getResolvedAt() != null ? t.getResolvedAt().toString() : NOT_ENDED,
                generatorBase == null ? "" : strip(generatorBase) + "/v1/alerts?rule=" + t.getRuleId(),
                t.getFingerprint());
    }

    private static String strip(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
