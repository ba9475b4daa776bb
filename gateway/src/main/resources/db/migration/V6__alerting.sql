-- Alerting (issue #17). Rules and receivers are edited through /admin/v1/alert-rules and /admin/v1/receivers and
-- published to the compacted topics tollgate.alert-rules.v1 (read by the streams app, which evaluates the rules)
-- and tollgate.alert-receivers.v1 (read only by the notifier). Durations are milliseconds; labels and annotations
-- are JSON objects of strings; receivers and group_by are comma-separated ids and label names.
create table alert_receivers (
    id                 varchar(64)      primary key,
    type               varchar(16)      not null check (type in ('webhook', 'slack')),
    -- A secret: never logged, never returned by the admin API (which shows its scheme and host only).
    url                varchar(2048)    not null,
    group_by           varchar(1000)    not null default 'alertname',
    group_wait_ms      bigint           not null check (group_wait_ms >= 0),
    group_interval_ms  bigint           not null check (group_interval_ms > 0),
    repeat_interval_ms bigint           not null check (repeat_interval_ms > 0),
    send_resolved      boolean          not null default true,
    max_per_second     double precision not null check (max_per_second > 0),
    created_at         timestamptz      not null,
    updated_at         timestamptz      not null,
    version            bigint           not null default 0
);

create table alert_rules (
    id                 varchar(64)      primary key,
    name               varchar(64)      not null,
    kind               varchar(32)      not null check (kind in ('error_rate', 'latency', 'endpoint_down',
                                                                 'budget_threshold', 'vllm_saturation', 'spend_rate')),
    scope              varchar(16)      not null check (scope in ('org', 'model', 'endpoint', 'budget')),
    scope_id           varchar(200),
    window_ms          bigint           not null default 0,
    threshold          double precision not null default 0,
    min_requests       bigint           not null default 0,
    percentile         integer          not null default 0,
    metric             varchar(16),
    baseline_ms        bigint           not null default 0,
    min_spend_micros   bigint           not null default 0,
    for_ms             bigint           not null default 0 check (for_ms >= 0),
    keep_firing_for_ms bigint           not null default 0 check (keep_firing_for_ms >= 0),
    severity           varchar(16)      not null check (severity in ('info', 'warning', 'critical')),
    labels             varchar(8000)    not null default '{}',
    annotations        varchar(50000)   not null default '{}',
    receivers          varchar(2000)    not null default '',
    enabled            boolean          not null default true,
    created_at         timestamptz      not null,
    updated_at         timestamptz      not null,
    version            bigint           not null default 0
);
