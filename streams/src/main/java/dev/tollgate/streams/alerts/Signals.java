package dev.tollgate.streams.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tollgate.events.v1.BudgetThresholdCrossed;
import dev.tollgate.events.v1.EndpointHealthReport;
import dev.tollgate.events.v1.EndpointLoadSample;

/**
 * What the gateways and the budgets capability said about one subject, as the alert rules read it: for an endpoint,
 * each gateway replica's latest health report and the latest vLLM load sample; for a budget, the highest threshold
 * crossed in its current period. Kept in the {@code alerts-signals} store as JSON (snake_case fields; unknown fields
 * ignored, so a newer version's values are read by an older one during a rolling upgrade).
 *
 * @param endpoint the endpoint's reports, or null for a budget
 * @param budget   the budget's crossings, or null for an endpoint
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Signals(@JsonProperty("endpoint") Endpoint endpoint, @JsonProperty("budget") Budget budget) {

    /**
     * An endpoint as the gateway replicas see it.
     *
     * @param model       the model it serves
     * @param environment its environment, when reported
     * @param replicas    the latest report of each replica, by replica id
     * @param load        the latest load sample of any replica, or null
     */
    public record Endpoint(@JsonProperty("model") String model, @JsonProperty("environment") String environment,
                           @JsonProperty("replicas") Map<String, Report> replicas, @JsonProperty("load") Load load) {
    }

    /**
     * One replica's latest view of an endpoint.
     *
     * @param up           whether its health checks pass
     * @param reportedAtMs when it said so
     * @param validForMs   how long that stands without a newer report
     * @param reason       why the last check failed, when down
     */
    public record Report(@JsonProperty("up") boolean up, @JsonProperty("reported_at_ms") long reportedAtMs,
                         @JsonProperty("valid_for_ms") long validForMs, @JsonProperty("reason") String reason) {

        boolean freshAt(long nowMs) {
            return nowMs - reportedAtMs <= validForMs;
        }
    }

    /**
     * vLLM's load gauges of an endpoint, as one replica last scraped them.
     *
     * @param waiting      queued requests
     * @param kvCacheUsage KV-cache usage, 0..1
     * @param sampledAtMs  when
     * @param validForMs   how long that stands without a newer sample
     */
    public record Load(@JsonProperty("waiting") double waiting, @JsonProperty("kv_cache_usage") double kvCacheUsage,
                       @JsonProperty("sampled_at_ms") long sampledAtMs, @JsonProperty("valid_for_ms") long validForMs) {

        boolean freshAt(long nowMs) {
            return nowMs - sampledAtMs <= validForMs;
        }
    }

    /**
     * The highest threshold a budget crossed in its current period.
     *
     * @param orgId          the budget's org
     * @param scope          its scope, {@code team:search}
     * @param percent        the highest threshold crossed, percent
     * @param periodEndMs    when the period ends (and the crossing with it)
     * @param limitMicros    the limit
     * @param spentMicros    the spend when it crossed
     */
    public record Budget(@JsonProperty("org_id") String orgId, @JsonProperty("scope") String scope,
                         @JsonProperty("percent") int percent, @JsonProperty("period_end_ms") long periodEndMs,
                         @JsonProperty("limit_micros") long limitMicros,
                         @JsonProperty("spent_micros") long spentMicros) {
    }

    /** These signals with {@code report} applied; an older report of the same replica is ignored. */
    Signals withHealth(EndpointHealthReport report) {
        Endpoint current = endpoint != null ? endpoint
                : new Endpoint(report.getModel(), report.getEnvironment(), Map.of(), null);
        Report previous = current.replicas().get(report.getReplicaId());
        long reportedAt = report.getReportedAt().toEpochMilli();
        if (previous != null && previous.reportedAtMs() > reportedAt) {
            return this;
        }
        Map<String, Report> replicas = new LinkedHashMap<>(current.replicas());
        replicas.put(report.getReplicaId(), new Report(report.getUp(), reportedAt, report.getValidForMs(),
                report.getReason()));
        return new Signals(new Endpoint(report.getModel(), report.getEnvironment() != null ? report.getEnvironment()
                : current.environment(), replicas, current.load()), budget);
    }

    /** These signals with {@code sample} as the endpoint's load, unless a newer one is held. */
    Signals withLoad(EndpointLoadSample sample) {
        Endpoint current = endpoint != null ? endpoint : new Endpoint(sample.getModel(), null, Map.of(), null);
        long sampledAt = sample.getSampledAt().toEpochMilli();
        if (current.load() != null && current.load().sampledAtMs() > sampledAt) {
            return this;
        }
        return new Signals(new Endpoint(current.model(), current.environment(), current.replicas(),
                new Load(sample.getWaiting(), sample.getKvCacheUsage(), sampledAt, sample.getValidForMs())), budget);
    }

    /**
     * These signals with {@code crossed}: a crossing of a later period replaces the held one; one of the same
     * period raises the percent; one of an earlier period is ignored.
     */
    Signals withCrossing(BudgetThresholdCrossed crossed) {
        long periodEnd = crossed.getPeriodEnd().toEpochMilli();
        if (budget != null && (budget.periodEndMs() > periodEnd
                || (budget.periodEndMs() == periodEnd && budget.percent() >= crossed.getThresholdPercent()))) {
            return this;
        }
        return new Signals(endpoint, new Budget(crossed.getOrgId(),
                crossed.getScopeType().name().toLowerCase(java.util.Locale.ROOT) + ":" + crossed.getScopeId(),
                crossed.getThresholdPercent(), periodEnd, crossed.getLimitMicros(), crossed.getSpentMicros()));
    }

    /**
     * These signals without what no longer matters at {@code nowMs}: replica reports and load samples expired for
     * longer than {@code keepMs}, a budget crossing of a period that ended; null when nothing is left.
     */
    Signals prunedAt(long nowMs, long keepMs) {
        Endpoint kept = null;
        if (endpoint != null) {
            Map<String, Report> replicas = new LinkedHashMap<>(endpoint.replicas());
            replicas.values().removeIf(r -> nowMs - r.reportedAtMs() > r.validForMs() + keepMs);
            Load load = endpoint.load() != null && nowMs - endpoint.load().sampledAtMs()
                    > endpoint.load().validForMs() + keepMs ? null : endpoint.load();
            kept = replicas.isEmpty() && load == null ? null
                    : new Endpoint(endpoint.model(), endpoint.environment(), replicas, load);
        }
        Budget keptBudget = budget != null && budget.periodEndMs() > nowMs ? budget : null;
        return kept == null && keptBudget == null ? null : new Signals(kept, keptBudget);
    }
}
