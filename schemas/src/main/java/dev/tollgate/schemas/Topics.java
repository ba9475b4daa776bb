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
     * The latest {@code GatewayPolicy} (response cache and redaction settings) per org or key, keyed by
     * {@code org:<id>} or {@code key:<id>}, compacted; a tombstone removes a policy. Followed by every gateway replica.
     */
    public static final String GATEWAY_POLICIES = "tollgate.gateway-policies.v1";
    /**
     * Budget definitions ({@code BudgetDefinition}) keyed by budget id, as the admin API publishes them. Compacted:
     * the latest definition of every budget is always there to load; a tombstone deletes a budget.
     */
    public static final String BUDGETS = "tollgate.budgets.v1";
    /** {@code BudgetThresholdCrossed} events keyed by budget id: once per threshold per budget period. */
    public static final String BUDGET_EVENTS = "tollgate.budget-events.v1";
    /**
     * {@code BudgetLeaseRequest}s from gateway replicas to the owner of a hard budget, keyed by org id. It must have
     * as many partitions as {@link #USAGE}: the owner is the streams task of the org's usage partition, and a lease
     * request reaches that task only on the same partition number.
     */
    public static final String BUDGET_LEASE_REQUESTS = "tollgate.budget-lease-requests.v1";
    /** {@code BudgetLeaseGrant}s, the owner's answers to lease requests, keyed by org id; every replica follows it. */
    public static final String BUDGET_LEASE_GRANTS = "tollgate.budget-lease-grants.v1";
    /**
     * Usage rollups per 1-minute, 1-hour and 1-day window and per org, org and model, org and key, and endpoint
     * (JSON, see docs/streams.md), keyed by granularity, rollup key and window start. Each update of a window is
     * republished, so a consumer upserts by key.
     */
    public static final String ROLLUPS = "tollgate.rollups.v1";
    /**
     * Records the warehouse sinks (Kafka Connect, {@code connectors/warehouse}) could not convert or write: the
     * original key, value and headers, plus Connect's {@code __connect.errors.*} headers that name the source
     * topic, partition and offset, the connector, the stage and the exception. One topic for every sink connector.
     */
    public static final String WAREHOUSE_DLQ = "tollgate.warehouse-dlq.v1";

    /**
     * Request records the streams app could not decode, with the original key, value and headers and the reason in
     * {@code tollgate.dlq.*} headers, like {@link #USAGE_DLQ}.
     */
    public static final String REQUESTS_DLQ = "tollgate.requests-dlq.v1";
    /** The current {@code EvaluatorState} per evaluator id, compacted; a tombstone deletes an evaluator. */
    public static final String EVALUATORS = "tollgate.evaluators.v1";
    /** {@code DatasetExample} per dataset id and example id ({@code dataset/example}), compacted. */
    public static final String DATASET_EXAMPLES = "tollgate.dataset-examples.v1";
    /** {@code EvalRunSpec} per run id, compacted: what a run sends, to which models, scored by which evaluators. */
    public static final String EVAL_RUNS = "tollgate.eval-runs.v1";
    /** {@code EvalBackfillSpec} per backfill id, compacted: one evaluator version over a past range of requests. */
    public static final String EVAL_BACKFILLS = "tollgate.eval-backfills.v1";
    /** {@code EvalProgress} per run or backfill id, compacted, from the evals worker. */
    public static final String EVAL_PROGRESS = "tollgate.eval-progress.v1";
    /** {@code EvalJob} per score id: scores that need a model (judge, embedding), for the evals worker. */
    public static final String EVAL_JOBS = "tollgate.eval-jobs.v1";
    /**
     * Evals records that could not be decoded (jobs in the evals worker, scores in the streams app), with the
     * original key, value and headers and the reason in {@code tollgate.dlq.*} headers.
     */
    public static final String EVALS_DLQ = "tollgate.evals-dlq.v1";
    /**
     * {@code EvalScore} per score id ({@code evaluator:version:request event}), from the streams app, the evals
     * worker and backfills. Keyed by score id rather than by org: scoring a request again gives the same key, on the
     * same partition, and consumers dedupe on it.
     */
    public static final String EVAL_SCORES = "tollgate.eval-scores.v1";

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
     * Alert silences ({@code AlertSilence}) keyed by silence id; compacted. The notifier delivers no alert an active
     * silence matches.
     */
    public static final String ALERT_SILENCES = "tollgate.alert-silences.v1";
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
    /**
     * {@code AdminAuditEvent} per admin change (docs/security.md#the-audit-trail), keyed by the changed resource's
     * path: who, what, when, before and after, secrets redacted. One partition: one total order of admin changes.
     */
    public static final String ADMIN_AUDIT = "tollgate.admin-audit.v1";

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
            // Lease traffic is only of use for seconds; a day keeps it for inspection after an incident.
            new TopicSpec(BUDGET_LEASE_REQUESTS, PARTITIONS, false, Duration.ofDays(1),
                    "BudgetLeaseRequest (ask for and return spend leases), keyed by org id like the usage it settles"),
            new TopicSpec(BUDGET_LEASE_GRANTS, PARTITIONS, false, Duration.ofDays(1),
                    "BudgetLeaseGrant (the budget owner's answer to a lease request), keyed by org id"),
            new TopicSpec(ROLLUPS, PARTITIONS, false, Duration.ofDays(30),
                    "Usage rollups (JSON) per window and rollup key; upsert by key"),
            new TopicSpec(WAREHOUSE_DLQ, PARTITIONS, false, Duration.ofDays(30),
                    "Records the warehouse sinks could not write: original record, reason in __connect.errors.* headers"),
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
            new TopicSpec(ALERT_SILENCES, 1, true, Duration.ZERO,
                    "AlertSilence per silence id, compacted; expiring republishes it with an earlier ends_at"),
            new TopicSpec(KEYS, 1, true, Duration.ZERO,
                    "ApiKeyState per key id, compacted; digests only, never a plain key"),
            new TopicSpec(ENDPOINTS, 1, true, Duration.ZERO,
                    "EndpointState per endpoint id, compacted; tombstone on deregister; holds upstream secrets"),
            new TopicSpec(GATEWAY_POLICIES, 1, true, Duration.ZERO,
                    "GatewayPolicy per org or key (cache and redaction settings), compacted; tombstone on delete"),
            new TopicSpec(EVALUATORS, 1, true, Duration.ZERO,
                    "EvaluatorState per evaluator id, compacted; tombstone on delete"),
            new TopicSpec(DATASET_EXAMPLES, 1, true, Duration.ZERO,
                    "DatasetExample per dataset/example id, compacted; tombstone on delete"),
            // Runs and backfills: several partitions, so that several workers share them.
            new TopicSpec(EVAL_RUNS, PARTITIONS, true, Duration.ZERO,
                    "EvalRunSpec per run id, compacted; the evaluator versions it scores with"),
            new TopicSpec(EVAL_BACKFILLS, PARTITIONS, true, Duration.ZERO,
                    "EvalBackfillSpec per backfill id, compacted"),
            new TopicSpec(EVAL_PROGRESS, 1, true, Duration.ZERO,
                    "EvalProgress per run or backfill id, compacted, from the evals worker"),
            new TopicSpec(EVAL_JOBS, PARTITIONS, false, Duration.ofDays(7),
                    "EvalJob per score id: judge and embedding scores for the evals worker"),
            new TopicSpec(EVALS_DLQ, PARTITIONS, false, Duration.ofDays(30),
                    "Eval jobs and scores that could not be decoded, reason in tollgate.dlq.* headers"),
            new TopicSpec(EVAL_SCORES, PARTITIONS, false, Duration.ofDays(30),
                    "EvalScore per score id (evaluator:version:request event); consumers dedupe on it"),
            new TopicSpec(REQUESTS_DLQ, PARTITIONS, false, Duration.ofDays(30),
                    "Request records streams could not decode: original key, value and headers, reason in headers"),
            // An audit trail is kept a year; a SIEM or the warehouse keeps it longer if the organisation must.
            new TopicSpec(ADMIN_AUDIT, 1, false, Duration.ofDays(365),
                    "AdminAuditEvent per admin change: credential, action, before and after, secrets redacted"));

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
