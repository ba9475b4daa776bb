-- ClickHouse tables for the sinks in this folder. The ClickHouse sink writes into existing tables; it neither
-- creates nor alters them. Column names and types follow the records (snake_case, as in PostgreSQL).
-- Why ReplacingMergeTree: exactlyOnce=true stops Connect's own re-deliveries from writing a batch twice, but a usage
-- event the gateway published twice (after a broker outage) is two records at two offsets. ReplacingMergeTree keeps
-- one row per sorting key, on merge: query with FINAL (or aggregate by the key) to count each event once before the
-- merge has happened.

CREATE DATABASE IF NOT EXISTS tollgate;

CREATE TABLE IF NOT EXISTS tollgate.usage_events (
    event_id          String,
    request_id        String,
    attempt           Int32,
    org_id            String,
    team_id           Nullable(String),
    key_id            String,
    user              Nullable(String),
    model             String,
    endpoint_id       Nullable(String),
    environment       Nullable(String),
    prompt_tokens     Int64,
    completion_tokens Int64,
    total_tokens      Int64,
    cached_tokens     Int64,
    usage_source      String,
    cost_micros       Int64,
    price_version     Nullable(Int32),
    status            String,
    http_status       Int32,
    error_code        Nullable(String),
    streaming         Bool,
    latency_ms        Int64,
    ttft_ms           Nullable(Int64),
    started_at        DateTime64(3, 'UTC'),
    completed_at      DateTime64(3, 'UTC'),
    budget_leases     Map(String, String),
    cache_hit         Bool DEFAULT false,
    cost_saved_micros Int64 DEFAULT 0,
    producer_id       Nullable(String),
    producer_sequence Nullable(Int64)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(completed_at)
ORDER BY (org_id, event_id);

-- Tables created before the response cache (docs/cache.md) lack its two fields; the sink does not alter tables.
ALTER TABLE tollgate.usage_events ADD COLUMN IF NOT EXISTS cache_hit Bool DEFAULT false;
ALTER TABLE tollgate.usage_events ADD COLUMN IF NOT EXISTS cost_saved_micros Int64 DEFAULT 0;
-- Tables created before the producer stamp (docs/streams.md#seen-sequence-numbers-of-a-producer) lack its two fields.
ALTER TABLE tollgate.usage_events ADD COLUMN IF NOT EXISTS producer_id Nullable(String);
ALTER TABLE tollgate.usage_events ADD COLUMN IF NOT EXISTS producer_sequence Nullable(Int64);

-- A window is republished each time it changes; its request count only grows, so the row with the most requests is
-- the latest value.
CREATE TABLE IF NOT EXISTS tollgate.usage_rollups (
    granularity       String,
    rollup_key        String,
    window_start      DateTime64(3, 'UTC'),
    window_end        DateTime64(3, 'UTC'),
    org_id            Nullable(String),
    model             Nullable(String),
    key_id            Nullable(String),
    endpoint_id       Nullable(String),
    requests          Int64,
    errors            Int64,
    errors_by_status  Nullable(String),
    prompt_tokens     Int64,
    completion_tokens Int64,
    cost_micros       Int64,
    latency_p50_ms    Nullable(Int64),
    latency_p90_ms    Nullable(Int64),
    latency_p95_ms    Nullable(Int64),
    latency_p99_ms    Nullable(Int64),
    latency_max_ms    Nullable(Int64),
    ttft_p50_ms       Nullable(Int64),
    ttft_p90_ms       Nullable(Int64),
    ttft_p95_ms       Nullable(Int64),
    ttft_p99_ms       Nullable(Int64),
    ttft_max_ms       Nullable(Int64),
    team_id           Nullable(String)
) ENGINE = ReplacingMergeTree(requests)
PARTITION BY (granularity, toYYYYMM(window_start))
ORDER BY (granularity, rollup_key, window_start);

CREATE TABLE IF NOT EXISTS tollgate.budget_threshold_events (
    event_id          String,
    budget_id         String,
    org_id            String,
    scope_type        String,
    scope_id          String,
    threshold_percent Int32,
    period_start      DateTime64(3, 'UTC'),
    period_end        DateTime64(3, 'UTC'),
    limit_micros      Int64,
    spent_micros      Int64,
    crossed_at        DateTime64(3, 'UTC'),
    enforcement       String
) ENGINE = ReplacingMergeTree
ORDER BY (org_id, budget_id, event_id);
