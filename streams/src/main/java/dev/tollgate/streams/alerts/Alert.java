package dev.tollgate.streams.alerts;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The current state of one alert (a rule and one subject), as the {@code alerts-state} store keeps it (JSON) and
 * {@code GET /v1/alerts} answers it. It carries what its transitions need even after its rule is deleted: the rule's
 * name, severity, receivers, and the labels and annotations as of its last transition.
 *
 * @param fingerprint     16 hex digits of SHA-256 over the rule id and the subject's labels; the store key
 * @param ruleId          the rule
 * @param ruleName        the rule's name, the {@code alertname} label
 * @param kind            the rule's kind
 * @param severity        the rule's severity
 * @param subject         the subject's store key ({@link Subject#key()})
 * @param state           {@code PENDING}, {@code FIRING} or {@code RESOLVED} ({@code INACTIVE} ones are not kept)
 * @param labels          every label of the alert
 * @param annotations     the rule's annotations, filled in at the last transition
 * @param receivers       the rule's receivers
 * @param value           the last measured value
 * @param threshold       the rule's threshold
 * @param activeAtMs      when the condition became true for this incident
 * @param firedAtMs       when it started firing, or null
 * @param resolvedAtMs    when it resolved, or null
 * @param keepFiringSinceMs while firing: since when the condition is false, or null while it is true
 * @param evaluatedAtMs   when the value was measured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(@JsonProperty("fingerprint") String fingerprint, @JsonProperty("rule_id") String ruleId,
                    @JsonProperty("rule_name") String ruleName, @JsonProperty("kind") String kind,
                    @JsonProperty("severity") String severity, @JsonProperty("subject") String subject,
                    @JsonProperty("state") String state, @JsonProperty("labels") Map<String, String> labels,
                    @JsonProperty("annotations") Map<String, String> annotations,
                    @JsonProperty("receivers") List<String> receivers, @JsonProperty("value") double value,
                    @JsonProperty("threshold") double threshold, @JsonProperty("active_at_ms") long activeAtMs,
                    @JsonProperty("fired_at_ms") Long firedAtMs, @JsonProperty("resolved_at_ms") Long resolvedAtMs,
                    @JsonProperty("keep_firing_since_ms") Long keepFiringSinceMs,
                    @JsonProperty("evaluated_at_ms") long evaluatedAtMs) {

    static final String PENDING = "PENDING";
    static final String FIRING = "FIRING";
    static final String RESOLVED = "RESOLVED";
    static final String INACTIVE = "INACTIVE";

    Alert withState(String newState, long activeAt, Long firedAt, Long resolvedAt, Long keepFiringSince) {
        return new Alert(fingerprint, ruleId, ruleName, kind, severity, subject, newState, labels, annotations,
                receivers, value, threshold, activeAt, firedAt, resolvedAt, keepFiringSince, evaluatedAtMs);
    }

    Alert withMeasure(double newValue, long at) {
        return new Alert(fingerprint, ruleId, ruleName, kind, severity, subject, state, labels, annotations,
                receivers, newValue, threshold, activeAtMs, firedAtMs, resolvedAtMs, keepFiringSinceMs, at);
    }

    Alert withRule(Rule rule, Map<String, String> allLabels, Map<String, String> renderedAnnotations) {
        return new Alert(fingerprint, ruleId, rule.name(), rule.kind(), rule.severity(), subject, state, allLabels,
                renderedAnnotations, rule.receivers(), value, rule.threshold(), activeAtMs, firedAtMs, resolvedAtMs,
                keepFiringSinceMs, evaluatedAtMs);
    }

    /** The id of a transition of this alert into {@code toState}: unique per incident and state. */
    String transitionId(String toState) {
        return fingerprint + ":" + activeAtMs + ":" + toState.toLowerCase(java.util.Locale.ROOT);
    }
}
