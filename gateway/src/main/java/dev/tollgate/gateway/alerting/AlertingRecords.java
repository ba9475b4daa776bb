package dev.tollgate.gateway.alerting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tollgate.control.v1.AlertReceiver;
import dev.tollgate.control.v1.AlertRule;
import dev.tollgate.control.v1.AlertRuleKind;
import dev.tollgate.control.v1.AlertScope;
import dev.tollgate.control.v1.AlertSeverity;
import dev.tollgate.control.v1.ReceiverType;
import dev.tollgate.gateway.admin.JsonBody;
import dev.tollgate.gateway.openai.RequestParser;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conversions of rules and receivers between their rows, the records published for the streams app and the
 * notifier, and the admin API's answers. The receiver's URL goes into the published record only: every answer
 * carries {@link UrlMask#mask} of it.
 */
final class AlertingRecords {

    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };

    private AlertingRecords() {
    }

    /** The record published to {@code tollgate.alert-rules.v1}. */
    static AlertRule rule(AlertRuleEntity r) {
        return AlertRule.newBuilder().setRuleId(r.id).setName(r.name)
                .setKind(AlertRuleKind.valueOf(r.kind.toUpperCase(Locale.ROOT)))
                .setScope(AlertScope.valueOf(r.scope.toUpperCase(Locale.ROOT))).setScopeId(r.scopeId)
                .setWindowMs(r.windowMs).setThreshold(r.threshold).setMinRequests(r.minRequests)
                .setPercentile(r.percentile).setMetric(r.metric).setBaselineMs(r.baselineMs)
                .setMinSpendMicros(r.minSpendMicros).setForMs(r.forMs).setKeepFiringForMs(r.keepFiringForMs)
                .setSeverity(AlertSeverity.valueOf(r.severity.toUpperCase(Locale.ROOT)))
                .setLabels(new LinkedHashMap<>(map(r.labels))).setAnnotations(new LinkedHashMap<>(map(r.annotations)))
                .setReceivers(List.copyOf(r.receiverList())).setEnabled(r.enabled).setUpdatedAt(r.updatedAt)
                .setVersion(r.version).build();
    }

    /** The record published to {@code tollgate.alert-receivers.v1}; it carries the URL, a secret. */
    static AlertReceiver receiver(AlertReceiverEntity r) {
        return AlertReceiver.newBuilder().setReceiverId(r.id).setType(ReceiverType.valueOf(r.type.toUpperCase(Locale.ROOT)))
                .setUrl(r.url).setGroupBy(List.copyOf(r.groupByList())).setGroupWaitMs(r.groupWaitMs)
                .setGroupIntervalMs(r.groupIntervalMs).setRepeatIntervalMs(r.repeatIntervalMs)
                .setSendResolved(r.sendResolved).setMaxPerSecond(r.maxPerSecond).setUpdatedAt(r.updatedAt)
                .setVersion(r.version).build();
    }

    /**
     * A rule as the admin API answers it; fields that do not apply to its kind are left out.
     *
     * @param id             rule id
     * @param object         always {@code alert_rule}
     * @param name           the alert's name ({@code alertname})
     * @param kind           what it watches
     * @param scope          what one alert is about
     * @param scopeId        only this subject, or null for each
     * @param window         the window, e.g. {@code 5m}
     * @param threshold      the threshold, in the kind's unit
     * @param minRequests    fewer requests in the window make the condition false
     * @param percentile     the latency percentile
     * @param metric         what is measured, where the kind has a choice
     * @param baseline       the trailing period of a spend-rate rule
     * @param minSpendMicros less spend in the window makes a spend-rate condition false
     * @param forDuration    how long the condition must hold before firing ({@code for})
     * @param keepFiringFor  how long a firing alert outlasts its condition
     * @param severity       {@code info}, {@code warning} or {@code critical}
     * @param labels         added to every alert
     * @param annotations    summary, description, ...
     * @param receivers      receiver ids
     * @param enabled        whether it is evaluated
     * @param createdAt      creation time
     * @param updatedAt      last change
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RuleView(String id, String object, String name, String kind, String scope, String scopeId, String window,
                    Double threshold, Long minRequests, Integer percentile, String metric, String baseline,
                    Long minSpendMicros, @JsonProperty("for") String forDuration, String keepFiringFor,
                    String severity, Map<String, String> labels, Map<String, String> annotations,
                    List<String> receivers, boolean enabled, Instant createdAt, Instant updatedAt) {
    }

    static RuleView view(AlertRuleEntity r) {
        RuleSpec.Kind kind = RuleSpec.Kind.of(r.kind);
        return new RuleView(r.id, "alert_rule", r.name, r.kind, r.scope, r.scopeId,
                kind.fields.contains("window") ? JsonBody.format(Duration.ofMillis(r.windowMs)) : null,
                kind.fields.contains("threshold") ? r.threshold : null,
                kind.fields.contains("min_requests") ? r.minRequests : null,
                kind.fields.contains("percentile") ? r.percentile : null,
                r.metric,
                kind.fields.contains("baseline") ? JsonBody.format(Duration.ofMillis(r.baselineMs)) : null,
                kind.fields.contains("min_spend_micros") ? r.minSpendMicros : null,
                JsonBody.format(Duration.ofMillis(r.forMs)), JsonBody.format(Duration.ofMillis(r.keepFiringForMs)),
                r.severity, map(r.labels), map(r.annotations), r.receiverList(), r.enabled, r.createdAt, r.updatedAt);
    }

    /** The rule as a request body, to overlay a {@code PATCH} on and validate the result like a create. */
    static JsonBody body(AlertRuleEntity r) {
        RuleView v = view(r);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", v.name());
        fields.put("kind", v.kind());
        fields.put("scope", v.scope());
        putIfSet(fields, "scope_id", v.scopeId());
        putIfSet(fields, "window", v.window());
        putIfSet(fields, "threshold", v.threshold());
        putIfSet(fields, "min_requests", v.minRequests());
        putIfSet(fields, "percentile", v.percentile());
        putIfSet(fields, "metric", v.metric());
        putIfSet(fields, "baseline", v.baseline());
        putIfSet(fields, "min_spend_micros", v.minSpendMicros());
        fields.put("for", v.forDuration());
        fields.put("keep_firing_for", v.keepFiringFor());
        fields.put("severity", v.severity());
        fields.put("labels", v.labels());
        fields.put("annotations", v.annotations());
        fields.put("receivers", v.receivers());
        fields.put("enabled", v.enabled());
        return JsonBody.of(fields);
    }

    private static void putIfSet(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /**
     * A receiver as the admin API answers it: the URL masked to its scheme and host.
     *
     * @param id             receiver id
     * @param object         always {@code receiver}
     * @param type           {@code webhook} or {@code slack}
     * @param url            scheme and host only, e.g. {@code https://hooks.slack.com/***}
     * @param groupBy        label names that make a group
     * @param groupWait      wait before a new group's first notification
     * @param groupInterval  wait before a notified group is notified again of new transitions
     * @param repeatInterval wait before alerts still firing are notified again
     * @param sendResolved   whether resolved transitions are notified
     * @param maxPerSecond   the rate limit
     * @param createdAt      creation time
     * @param updatedAt      last change
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ReceiverView(String id, String object, String type, String url, List<String> groupBy, String groupWait,
                        String groupInterval, String repeatInterval, boolean sendResolved, double maxPerSecond,
                        Instant createdAt, Instant updatedAt) {
    }

    static ReceiverView view(AlertReceiverEntity r) {
        return new ReceiverView(r.id, "receiver", r.type, UrlMask.mask(r.url), r.groupByList(),
                JsonBody.format(Duration.ofMillis(r.groupWaitMs)), JsonBody.format(Duration.ofMillis(r.groupIntervalMs)),
                JsonBody.format(Duration.ofMillis(r.repeatIntervalMs)), r.sendResolved, r.maxPerSecond, r.createdAt,
                r.updatedAt);
    }

    /** The receiver as a request body, its real URL included, to overlay a {@code PATCH} on. */
    static JsonBody body(AlertReceiverEntity r) {
        ReceiverView v = view(r);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", v.type());
        fields.put("url", r.url);
        fields.put("group_by", v.groupBy());
        fields.put("group_wait", v.groupWait());
        fields.put("group_interval", v.groupInterval());
        fields.put("repeat_interval", v.repeatInterval());
        fields.put("send_resolved", v.sendResolved());
        fields.put("max_per_second", v.maxPerSecond());
        return JsonBody.of(fields);
    }

    static String json(Map<String, String> map) {
        try {
            return RequestParser.MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    static Map<String, String> map(String json) {
        try {
            return RequestParser.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored labels are not a JSON object of strings", e);
        }
    }
}
