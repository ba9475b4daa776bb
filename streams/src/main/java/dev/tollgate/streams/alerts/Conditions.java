package dev.tollgate.streams.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.tollgate.streams.sketch.LatencySketch;

/**
 * Each rule kind's condition on one subject at one instant, and what "no data" means for it. A condition without
 * data is false, so an alert whose data stops resolves (after {@code keep_firing_for}) rather than firing forever:
 *
 * <ul>
 *   <li><b>error_rate</b>: upstream errors / requests in the window above the threshold, with at least
 *       {@code min_requests} requests. No traffic means fewer than {@code min_requests}: false.</li>
 *   <li><b>latency</b>: the percentile of the latency (or time to first token) of successful requests in the window
 *       above the threshold, with at least {@code min_requests} of them. No traffic: false.</li>
 *   <li><b>spend_rate</b>: spend in the window at least {@code min_spend_micros} (and above 0) and above
 *       {@code threshold} times the average spend per window over the baseline before it. No spend in the window,
 *       or none in the baseline (nothing to compare with: a first spend is the budgets' business): false.</li>
 *   <li><b>endpoint_down</b>: every gateway replica whose last report is still valid sees the endpoint down. No valid
 *       report (the endpoint was deregistered, or no gateway runs): false.</li>
 *   <li><b>vllm_saturation</b>: the latest valid load sample's waiting requests or KV-cache usage above the
 *       threshold. No valid sample (the endpoint is not vLLM, or is unreachable): false.</li>
 *   <li><b>budget_threshold</b>: the budget crossed the threshold (or a higher one) in its current period, and that
 *       period has not ended. It resolves when the period ends.</li>
 * </ul>
 */
final class Conditions {

    private Conditions() {
    }

    /**
     * One evaluation.
     *
     * @param active whether the condition holds
     * @param value  what was measured, in the rule's unit (0 without data)
     * @param labels the labels of the subject as this kind of rule reports it
     */
    record Evaluation(boolean active, double value, Map<String, String> labels) {
    }

    /** The kinds of rule measured on usage series; the others on signals. */
    static boolean onSeries(Rule rule) {
        return switch (rule.kind()) {
            case "ERROR_RATE", "LATENCY", "SPEND_RATE" -> true;
            default -> false;
        };
    }

    /** Whether this instance knows how to evaluate the rule's kind; rules of a later kind are skipped. */
    static boolean known(Rule rule) {
        return switch (rule.kind()) {
            case "ERROR_RATE", "LATENCY", "SPEND_RATE", "ENDPOINT_DOWN", "VLLM_SATURATION", "BUDGET_THRESHOLD" -> true;
            default -> false;
        };
    }

    /** A rule measured on usage: error rate, latency, spend rate. */
    static Evaluation onSeries(Rule rule, Subject subject, Series series, long nowMs) {
        Map<String, String> labels = subject.labels();
        if (series == null) {
            return new Evaluation(false, 0, labels);
        }
        Series.Window window = series.window(nowMs, rule.windowMs());
        switch (rule.kind()) {
            case "ERROR_RATE": {
                double rate = window.requests() == 0 ? 0 : (double) window.errors() / window.requests();
                return new Evaluation(window.requests() >= Math.max(1, rule.minRequests()) && rate > rule.threshold(),
                        rate, labels);
            }
            case "LATENCY": {
                LatencySketch sketch = "ttft".equals(rule.metric()) ? window.ttft() : window.latency();
                long count = sketch.totalCount();
                double value = count == 0 ? 0 : sketch.percentilesAndMax((double) rule.percentile())[0];
                return new Evaluation(count >= Math.max(1, rule.minRequests()) && value > rule.threshold(), value,
                        labels);
            }
            default: {
                long windowStart = Series.minuteOf(nowMs) - rule.windowMs() + Series.MINUTE_MS;
                long spend = window.costMicros();
                long baseline = series.sum(windowStart - rule.baselineMs(), windowStart).costMicros();
                if (baseline == 0) {
                    return new Evaluation(false, 0, labels);
                }
                double average = (double) baseline * rule.windowMs() / Math.max(1, rule.baselineMs());
                double multiple = spend / average;
                return new Evaluation(spend >= Math.max(1, rule.minSpendMicros()) && multiple > rule.threshold(),
                        multiple, labels);
            }
        }
    }

    /** A rule measured on what gateways and budgets reported: endpoint down, vLLM saturation, budget threshold. */
    static Evaluation onSignals(Rule rule, Subject subject, Signals signals, long nowMs) {
        Map<String, String> labels = new LinkedHashMap<>(subject.labels());
        switch (rule.kind()) {
            case "ENDPOINT_DOWN": {
                Signals.Endpoint endpoint = signals == null ? null : signals.endpoint();
                if (endpoint == null) {
                    return new Evaluation(false, 0, labels);
                }
                endpointLabels(endpoint, labels);
                long fresh = endpoint.replicas().values().stream().filter(r -> r.freshAt(nowMs)).count();
                long down = endpoint.replicas().values().stream().filter(r -> r.freshAt(nowMs) && !r.up()).count();
                return new Evaluation(fresh > 0 && down == fresh, down, labels);
            }
            case "VLLM_SATURATION": {
                Signals.Endpoint endpoint = signals == null ? null : signals.endpoint();
                if (endpoint == null) {
                    return new Evaluation(false, 0, labels);
                }
                endpointLabels(endpoint, labels);
                Signals.Load load = endpoint.load();
                if (load == null || !load.freshAt(nowMs)) {
                    return new Evaluation(false, 0, labels);
                }
                double value = "kv_cache".equals(rule.metric()) ? load.kvCacheUsage() : load.waiting();
                return new Evaluation(value > rule.threshold(), value, labels);
            }
            default: {
                Signals.Budget budget = signals == null ? null : signals.budget();
                if (budget == null) {
                    return new Evaluation(false, 0, labels);
                }
                labels.put("org", budget.orgId());
                double spent = budget.limitMicros() <= 0 ? 0 : 100.0 * budget.spentMicros() / budget.limitMicros();
                return new Evaluation(nowMs < budget.periodEndMs() && budget.percent() >= rule.threshold(), spent,
                        labels);
            }
        }
    }

    /** The model (and environment) of an endpoint, fixed for the endpoint, so its fingerprint stays the same. */
    private static void endpointLabels(Signals.Endpoint endpoint, Map<String, String> labels) {
        if (endpoint.model() != null) {
            labels.put("model", endpoint.model());
        }
        if (endpoint.environment() != null) {
            labels.put("environment", endpoint.environment());
        }
    }
}
