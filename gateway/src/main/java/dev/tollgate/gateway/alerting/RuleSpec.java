package dev.tollgate.gateway.alerting;

import dev.tollgate.gateway.admin.AdminException;
import dev.tollgate.gateway.admin.JsonBody;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An alert rule as the admin API accepts it, validated field by field: every way a rule can be wrong is a 400 that
 * names the field and says why, before anything is stored. What each kind needs and allows:
 *
 * <pre>
 * kind              scope                      needs                          may set
 * error_rate        org | model | endpoint     window, threshold (0..1]       min_requests (10)
 * latency           org | model | endpoint     window, threshold (ms)         percentile (95), metric (latency|ttft), min_requests (10)
 * endpoint_down     endpoint                   -                              -
 * budget_threshold  budget                     threshold (percent)            -
 * vllm_saturation   endpoint                   metric (waiting|kv_cache), threshold
 * spend_rate        org | model | endpoint     window, baseline, threshold (a multiple)   min_spend_micros (0)
 * </pre>
 *
 * Every kind takes {@code name}, {@code for}, {@code keep_firing_for}, {@code severity}, {@code labels},
 * {@code annotations}, {@code receivers}, {@code enabled} and an optional {@code scope_id}.
 */
record RuleSpec(String name, Kind kind, String scope, String scopeId, long windowMs, double threshold,
                long minRequests, int percentile, String metric, long baselineMs, long minSpendMicros, long forMs,
                long keepFiringForMs, String severity, Map<String, String> labels, Map<String, String> annotations,
                List<String> receivers, boolean enabled) {

    /** Every field of a rule in the admin API. */
    static final Set<String> FIELDS = Set.of("id", "name", "kind", "scope", "scope_id", "window", "threshold",
            "min_requests", "percentile", "metric", "baseline", "min_spend_micros", "for", "keep_firing_for",
            "severity", "labels", "annotations", "receivers", "enabled");
    /** Labels the streams app sets on every alert; a rule may not set them. */
    static final Set<String> RESERVED_LABELS = Set.of("alertname", "severity", "rule_id", "org", "model", "endpoint",
            "environment", "budget");
    /** Prometheus' label name syntax, which receivers downstream expect. */
    static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,63}");
    /** The alert's name ({@code alertname}), as Prometheus writes them: {@code EndpointDown}. */
    static final Pattern ALERT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    static final Duration MAX_WINDOW = Duration.ofHours(1);
    /** The streams app keeps three hours of minutes: the longest window plus the longest baseline. */
    static final Duration MAX_BASELINE = Duration.ofHours(2);
    static final Duration MAX_HOLD = Duration.ofHours(24);
    static final int MAX_RECEIVERS = 10;

    /** The kinds of rule, with the scopes and the kind-specific fields each takes. */
    enum Kind {
        ERROR_RATE("error_rate", Set.of("org", "model", "endpoint"), Set.of("window", "threshold", "min_requests")),
        LATENCY("latency", Set.of("org", "model", "endpoint"),
                Set.of("window", "threshold", "min_requests", "percentile", "metric")),
        ENDPOINT_DOWN("endpoint_down", Set.of("endpoint"), Set.of()),
        BUDGET_THRESHOLD("budget_threshold", Set.of("budget"), Set.of("threshold")),
        VLLM_SATURATION("vllm_saturation", Set.of("endpoint"), Set.of("threshold", "metric")),
        SPEND_RATE("spend_rate", Set.of("org", "model", "endpoint"),
                Set.of("window", "threshold", "baseline", "min_spend_micros"));

        /** Fields that belong to some kinds only. */
        static final Set<String> KIND_FIELDS = Set.of("window", "threshold", "min_requests", "percentile", "metric",
                "baseline", "min_spend_micros");

        final String api;
        final Set<String> scopes;
        final Set<String> fields;

        Kind(String api, Set<String> scopes, Set<String> fields) {
            this.api = api;
            this.scopes = scopes;
            this.fields = fields;
        }

        static Set<String> names() {
            return Arrays.stream(values()).map(k -> k.api).collect(Collectors.toSet());
        }

        static Kind of(String api) {
            return Arrays.stream(values()).filter(k -> k.api.equals(api)).findFirst().orElseThrow();
        }
    }

    /** Reads and validates a whole rule; {@code id} is read by the caller. */
    static RuleSpec parse(JsonBody body) {
        body.rejectUnknownFields(FIELDS);
        String name = body.requiredText("name", ALERT_NAME,
                "the alert's name: a letter or '_', then letters, digits or '_', at most 64, e.g. EndpointDown");
        Kind kind = Kind.of(body.optionalChoice("kind", Kind.names()).orElseThrow(() -> AdminException.invalid("kind",
                "'kind' is required: one of " + Kind.names().stream().sorted().toList() + ".")));
        for (String field : Kind.KIND_FIELDS) {
            if (body.has(field) && !kind.fields.contains(field)) {
                throw AdminException.invalid(field, "'" + field + "' does not apply to " + kind.api + " rules.");
            }
        }
        String scope = scope(body, kind);
        String scopeId = body.optionalText("scope_id", scope.equals("model") ? JsonBody.MODEL : JsonBody.ID,
                "the id of one " + scope).orElse(null);
        long window = 0;
        if (kind.fields.contains("window")) {
            window = required(body.optionalDuration("window", Duration.ofMinutes(1), MAX_WINDOW), "window",
                    "the window the condition is measured over, whole minutes up to 1h, e.g. 5m").toMillis();
            if (window % 60_000 != 0) {
                throw AdminException.invalid("window", "'window' must be whole minutes, e.g. 5m: the streams app "
                        + "counts per minute.");
            }
        }
        double threshold = threshold(body, kind);
        long minRequests = kind.fields.contains("min_requests")
                ? body.optionalLong("min_requests", 1, 1_000_000_000L).orElse(10L) : 0;
        int percentile = kind == Kind.LATENCY ? percentile(body) : 0;
        String metric = metric(body, kind);
        long baseline = 0;
        long minSpend = 0;
        if (kind == Kind.SPEND_RATE) {
            baseline = required(body.optionalDuration("baseline", Duration.ofMinutes(1), MAX_BASELINE), "baseline",
                    "the trailing period before the window whose average spend per window is the baseline, whole "
                            + "minutes up to 2h, e.g. 1h").toMillis();
            if (baseline % 60_000 != 0 || baseline < window) {
                throw AdminException.invalid("baseline", "'baseline' must be whole minutes and at least the window.");
            }
            minSpend = body.optionalLong("min_spend_micros", 0, Long.MAX_VALUE / 4).orElse(0L);
        }
        long forMs = body.optionalDuration("for", Duration.ZERO, MAX_HOLD).orElse(Duration.ZERO).toMillis();
        long keep = body.optionalDuration("keep_firing_for", Duration.ZERO, MAX_HOLD).orElse(Duration.ZERO).toMillis();
        String severity = body.optionalChoice("severity", SEVERITIES).orElse("warning");
        Map<String, String> labels = body.optionalStringMap("labels", LABEL_NAME, RESERVED_LABELS, 20, 256)
                .orElse(Map.of());
        Map<String, String> annotations = body.optionalStringMap("annotations", LABEL_NAME, Set.of(), 20, 2000)
                .orElse(Map.of());
        List<String> receivers = body.optionalTextList("receivers", JsonBody.ID, "the id of a receiver");
        if (receivers.size() > MAX_RECEIVERS) {
            throw AdminException.invalid("receivers", "'receivers' may name at most " + MAX_RECEIVERS + " receivers.");
        }
        boolean enabled = body.optionalBoolean("enabled").orElse(true);
        return new RuleSpec(name, kind, scope, scopeId, window, threshold, minRequests, percentile, metric, baseline,
                minSpend, forMs, keep, severity, new LinkedHashMap<>(labels), new LinkedHashMap<>(annotations),
                receivers, enabled);
    }

    private static String scope(JsonBody body, Kind kind) {
        Optional<String> scope = body.optionalChoice("scope", Set.of("org", "model", "endpoint", "budget"));
        if (scope.isEmpty()) {
            if (kind.scopes.size() == 1) {
                return kind.scopes.iterator().next();
            }
            throw AdminException.invalid("scope", "'scope' is required for " + kind.api + " rules: one of "
                    + kind.scopes.stream().sorted().toList() + ".");
        }
        if (!kind.scopes.contains(scope.get())) {
            throw AdminException.invalid("scope", kind.api + " rules are about one of "
                    + kind.scopes.stream().sorted().toList() + ", not " + scope.get() + ".");
        }
        return scope.get();
    }

    private static double threshold(JsonBody body, Kind kind) {
        String field = "threshold";
        return switch (kind) {
            case ERROR_RATE -> required(body.optionalDouble(field, 0, true, 1), field,
                    "the share of requests that failed upstream, above 0 up to 1, e.g. 0.05");
            case LATENCY -> required(body.optionalDouble(field, 0, true, 3_600_000), field,
                    "milliseconds, e.g. 2000");
            case BUDGET_THRESHOLD -> required(body.optionalDouble(field, 0, true, 1000), field,
                    "a percent of the budget's limit, e.g. 90");
            case VLLM_SATURATION -> required(body.optionalDouble(field, 0, true,
                    "kv_cache".equals(body.optionalChoice("metric", Set.of("waiting", "kv_cache")).orElse(null))
                            ? 1 : 1_000_000), field,
                    "waiting requests (e.g. 10), or for kv_cache a share of the cache from 0 to 1 (e.g. 0.9)");
            case SPEND_RATE -> required(body.optionalDouble(field, 0, true, 1_000_000), field,
                    "how many times the trailing average the window's spend must be, e.g. 3");
            case ENDPOINT_DOWN -> 0;
        };
    }

    private static int percentile(JsonBody body) {
        String rule = "'percentile' must be one of 50, 90, 95, 99.";
        long p;
        try {
            p = body.optionalLong("percentile", 1, 100).orElse(95L);
        } catch (AdminException e) {
            throw AdminException.invalid("percentile", rule);
        }
        if (p != 50 && p != 90 && p != 95 && p != 99) {
            throw AdminException.invalid("percentile", rule);
        }
        return (int) p;
    }

    private static String metric(JsonBody body, Kind kind) {
        if (kind == Kind.LATENCY) {
            return body.optionalChoice("metric", Set.of("latency", "ttft")).orElse("latency");
        }
        if (kind == Kind.VLLM_SATURATION) {
            return body.optionalChoice("metric", Set.of("waiting", "kv_cache")).orElseThrow(() ->
                    AdminException.invalid("metric", "'metric' is required for vllm_saturation rules: waiting or "
                            + "kv_cache."));
        }
        return null;
    }

    private static <T> T required(Optional<T> value, String field, String rule) {
        return value.orElseThrow(() -> AdminException.invalid(field, "'" + field + "' is required: " + rule + "."));
    }

    /** Writes the rule onto {@code row}; its id, times and version are the caller's. */
    void applyTo(AlertRuleEntity row) {
        row.name = name;
        row.kind = kind.api;
        row.scope = scope;
        row.scopeId = scopeId;
        row.windowMs = windowMs;
        row.threshold = threshold;
        row.minRequests = minRequests;
        row.percentile = percentile;
        row.metric = metric;
        row.baselineMs = baselineMs;
        row.minSpendMicros = minSpendMicros;
        row.forMs = forMs;
        row.keepFiringForMs = keepFiringForMs;
        row.severity = severity;
        row.labels = AlertingRecords.json(labels);
        row.annotations = AlertingRecords.json(annotations);
        row.receiverList(receivers);
        row.enabled = enabled;
    }
}
