package dev.tollgate.schemas;

import java.time.Duration;
import java.util.List;

/**
 * Every topic of the Tollgate event contract. Topic names are a deployment contract: billing consumers,
 * warehouse sinks and replays depend on them, so a breaking change gets a new {@code .vN} topic instead.
 *
 * <p>Every event is keyed by org id ({@link EventKeys#orgKey}), so one org's events stay ordered on one
 * partition.
 */
public final class Topics {

    /** The exchange: request parameters, status, and content where capture is enabled. */
    public static final String REQUESTS = "tollgate.requests.v1";
    /** The billing record: one {@code UsageEvent} per accepted request. */
    public static final String USAGE = "tollgate.usage.v1";
    /** The spans of each request. */
    public static final String TRACES = "tollgate.traces.v1";
    /**
     * Usage records the streams app could not account for: undecodable bytes or impossible values. Each keeps
     * the original key, value and headers, plus {@code tollgate.dlq.*} headers that give the reason, so it can be
     * inspected and replayed into {@link #USAGE} once fixed.
     */
    public static final String USAGE_DLQ = "tollgate.usage-dlq.v1";
    /** Spend per scope and period, computed by streams and fed back to the gateway. Compacted. */
    public static final String BUDGET_STATE = "tollgate.budget-state.v1";
    /**
     * The latest {@code ApiKeyState} per key id, compacted. Written by the admin API after each PostgreSQL commit
     * and followed by every gateway replica, so a new or revoked key takes effect everywhere within a second.
     */
    public static final String KEYS = "tollgate.keys.v1";
    /**
     * The latest {@code EndpointState} per endpoint id, compacted; a deregistered endpoint is a tombstone. Carries
     * upstream API keys, so only gateways may read it.
     */
    public static final String ENDPOINTS = "tollgate.endpoints.v1";
    /**
     * Budget definitions ({@code BudgetDefinition}) keyed by budget id, as the admin API publishes them. Compacted:
     * the latest definition of every budget is always there to load; a tombstone deletes a budget.
     */
    public static final String BUDGETS = "tollgate.budgets.v1";
    /** {@code BudgetThresholdCrossed} events keyed by budget id: once per threshold per budget period. */
    public static final String BUDGET_EVENTS = "tollgate.budget-events.v1";
    /**
     * Usage rollups per 1-minute, 1-hour and 1-day window and per org, org and model, org and key, and endpoint
     * (JSON, see docs/streams.md), keyed by granularity, rollup key and window start. Each update of a window is
     * republished, so a consumer upserts by key.
     */
    public static final String ROLLUPS = "tollgate.rollups.v1";
    /**
     * Alert rules ({@code AlertRule}) keyed by rule id, as the admin API publishes them; compacted, a tombstone
     * deletes a rule. Read by the streams app, which evaluates them.
     */
    public static final String ALERT_RULES = "tollgate.alert-rules.v1";
    /**
     * Alert receivers ({@code AlertReceiver}) keyed by receiver id; compacted, a tombstone deletes one. Carries the
     * receivers' webhook URLs, which are secrets: only the notifier may read it.
     */
    public static final String ALERT_RECEIVERS = "tollgate.alert-receivers.v1";
    /**
     * {@code AlertTransition} events keyed by alert fingerprint: every move of an alert between inactive, pending,
     * firing and resolved, once, from the streams app. The notifier delivers them.
     */
    public static final String ALERTS = "tollgate.alerts.v1";
    /**
     * {@code EndpointHealthReport} keyed by endpoint id: each gateway replica's view of an endpoint's health, at
     * every transition and every report interval. Six partitions like the usage topic: the streams app reads it in
     * the same tasks as the endpoint's usage.
     */
    public static final String ENDPOINT_HEALTH = "tollgate.endpoint-health.v1";
    /** {@code EndpointLoadSample} keyed by endpoint id: vLLM's queue and KV-cache gauges as the gateway scrapes them. */
    public static final String ENDPOINT_LOAD = "tollgate.endpoint-load.v1";

    private static final int PARTITIONS = 6;

    private static final List<TopicSpec> ALL = List.of(
            new TopicSpec(REQUESTS, PARTITIONS, false, Duration.ofDays(7),
                    "RequestEvent per request, keyed by org id"),
            new TopicSpec(USAGE, PARTITIONS, false, Duration.ofDays(30),
                    "UsageEvent per accepted request, keyed by org id; the billing record"),
            new TopicSpec(USAGE_DLQ, PARTITIONS, false, Duration.ofDays(30),
                    "Usage records streams rejected: original key, value and headers, reason in tollgate.dlq.* headers"),
            new TopicSpec(TRACES, PARTITIONS, false, Duration.ofDays(3),
                    "TraceEvent (the spans of one request), keyed by org id"),
            new TopicSpec(BUDGET_STATE, PARTITIONS, true, Duration.ZERO,
                    "BudgetState per budget for its current period, compacted, keyed by budget id"),
            new TopicSpec(BUDGETS, PARTITIONS, true, Duration.ZERO,
                    "BudgetDefinition per budget, compacted, keyed by budget id; a tombstone deletes"),
            new TopicSpec(BUDGET_EVENTS, PARTITIONS, false, Duration.ofDays(30),
                    "BudgetThresholdCrossed per threshold per budget period, keyed by budget id"),
            new TopicSpec(ROLLUPS, PARTITIONS, false, Duration.ofDays(30),
                    "Usage rollups (JSON) per window and rollup key; upsert by key"),
            new TopicSpec(ALERTS, PARTITIONS, false, Duration.ofDays(30),
                    "AlertTransition per alert state change, keyed by fingerprint"),
            // Keyed by endpoint id and partitioned like the other inputs of the streams app's alert evaluation.
            new TopicSpec(ENDPOINT_HEALTH, PARTITIONS, false, Duration.ofDays(1),
                    "EndpointHealthReport per gateway replica, endpoint and transition or report interval"),
            new TopicSpec(ENDPOINT_LOAD, PARTITIONS, false, Duration.ofDays(1),
                    "EndpointLoadSample per gateway replica and endpoint when vLLM's gauges change"),
            // Admin state is tiny and changes rarely: one partition keeps every change in one total order.
            new TopicSpec(ALERT_RULES, 1, true, Duration.ZERO,
                    "AlertRule per rule id, compacted; tombstone on delete"),
            new TopicSpec(ALERT_RECEIVERS, 1, true, Duration.ZERO,
                    "AlertReceiver per receiver id, compacted; tombstone on delete; holds webhook URLs (secrets)"),
            new TopicSpec(KEYS, 1, true, Duration.ZERO,
                    "ApiKeyState per key id, compacted; digests only, never a plain key"),
            new TopicSpec(ENDPOINTS, 1, true, Duration.ZERO,
                    "EndpointState per endpoint id, compacted; tombstone on deregister; holds upstream secrets"));

    private Topics() {
    }

    /** All topics the platform needs, in a stable order. */
    public static List<TopicSpec> all() {
        return ALL;
    }

    /**
     * The spec of one topic of the contract.
     *
     * @throws IllegalArgumentException when {@code name} is not a topic of the contract
     */
    public static TopicSpec spec(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a topic of the contract: " + name));
    }
}
