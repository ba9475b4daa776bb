package dev.tollgate.streams.alerts;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.control.v1.AlertRule;

/**
 * An alert rule as the evaluator reads it, from the global {@code alerts-rules} store (JSON). Kind, scope and
 * severity are the names of the Avro enums ({@code ERROR_RATE}, {@code ENDPOINT}, {@code CRITICAL}).
 *
 * @param id             rule id
 * @param name           the alert's name ({@code alertname})
 * @param kind           what it watches
 * @param scope          what one alert is about ({@link Subject.Kind} name)
 * @param scopeId        only this subject, or null for each
 * @param windowMs       the window
 * @param threshold      the threshold, in the kind's unit
 * @param minRequests    fewer requests make the condition false
 * @param percentile     latency percentile
 * @param metric         latency|ttft, or waiting|kv_cache
 * @param baselineMs     the spend-rate baseline period
 * @param minSpendMicros less spend makes a spend-rate condition false
 * @param forMs          how long the condition must hold before the alert fires
 * @param keepFiringForMs how long a firing alert outlasts its condition
 * @param severity       severity
 * @param labels         added to every alert's labels
 * @param annotations    templates of the alerts' annotations
 * @param receivers      receiver ids
 * @param enabled        whether the rule is evaluated
 * @param version        its row version
 */
public record Rule(@JsonProperty("id") String id, @JsonProperty("name") String name,
                   @JsonProperty("kind") String kind, @JsonProperty("scope") String scope,
                   @JsonProperty("scope_id") String scopeId, @JsonProperty("window_ms") long windowMs,
                   @JsonProperty("threshold") double threshold, @JsonProperty("min_requests") long minRequests,
                   @JsonProperty("percentile") int percentile, @JsonProperty("metric") String metric,
                   @JsonProperty("baseline_ms") long baselineMs,
                   @JsonProperty("min_spend_micros") long minSpendMicros, @JsonProperty("for_ms") long forMs,
                   @JsonProperty("keep_firing_for_ms") long keepFiringForMs,
                   @JsonProperty("severity") String severity, @JsonProperty("labels") Map<String, String> labels,
                   @JsonProperty("annotations") Map<String, String> annotations,
                   @JsonProperty("receivers") List<String> receivers, @JsonProperty("enabled") boolean enabled,
                   @JsonProperty("version") long version) {

    /** The rule of a record from {@code tollgate.alert-rules.v1}. */
    static Rule of(AlertRule r) {
        return new Rule(r.getRuleId(), r.getName(), r.getKind().name(), r.getScope().name(), r.getScopeId(),
                r.getWindowMs(), r.getThreshold(), r.getMinRequests(), r.getPercentile(), r.getMetric(),
                r.getBaselineMs(), r.getMinSpendMicros(), r.getForMs(), r.getKeepFiringForMs(), r.getSeverity().name(),
                Map.copyOf(r.getLabels()), Map.copyOf(r.getAnnotations()), List.copyOf(r.getReceivers()),
                r.getEnabled(), r.getVersion());
    }

    /** The kind of subject each alert of this rule is about. */
    Subject.Kind subjectKind() {
        return Subject.Kind.valueOf(scope);
    }

    /** Whether {@code subject} is one this rule makes an alert for. */
    boolean covers(Subject subject) {
        return subject.kind().name().equals(scope) && (scopeId == null || scopeId.equals(subject.id()));
    }
}
