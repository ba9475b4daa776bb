-- The billing consumer's tables (PostgreSQL 15 or newer: NULLS NOT DISTINCT). Created at start when missing.
-- Money is integer micro-dollars, never floating point. Months are calendar months of completed_at in UTC.

-- One row per usage event billed: the dedupe set (event_id is the key; a second delivery inserts nothing) and the
-- ledger a re-pricing starts from (tokens, endpoint and the price version each event was charged at).
CREATE TABLE IF NOT EXISTS billed_usage (
    event_id          text        PRIMARY KEY,
    invoice_month     date        NOT NULL,
    org_id            text        NOT NULL,
    team_id           text,
    key_id            text        NOT NULL,
    model             text        NOT NULL,
    endpoint_id       text,
    price_version     integer,
    status            text        NOT NULL,
    usage_source      text        NOT NULL,
    prompt_tokens     bigint      NOT NULL,
    completion_tokens bigint      NOT NULL,
    cached_tokens     bigint      NOT NULL,
    cost_micros       bigint      NOT NULL,
    completed_at      timestamptz NOT NULL,
    source_partition  integer     NOT NULL,
    source_offset     bigint      NOT NULL
);

-- What an invoice shows: per month, org, team, key, model and the price version charged.
CREATE TABLE IF NOT EXISTS invoice_lines (
    invoice_month      date        NOT NULL,
    org_id             text        NOT NULL,
    team_id            text,
    key_id             text        NOT NULL,
    model              text        NOT NULL,
    price_version      integer,
    requests           bigint      NOT NULL,
    estimated_requests bigint      NOT NULL,
    prompt_tokens      bigint      NOT NULL,
    completion_tokens  bigint      NOT NULL,
    cached_tokens      bigint      NOT NULL,
    cost_micros        bigint      NOT NULL,
    first_event_at     timestamptz NOT NULL,
    last_event_at      timestamptz NOT NULL,
    CONSTRAINT invoice_lines_key UNIQUE NULLS NOT DISTINCT
        (invoice_month, org_id, team_id, key_id, model, price_version)
);

-- Where each consumer is in each partition: the next offset to read, committed with the lines it produced.
CREATE TABLE IF NOT EXISTS billing_offsets (
    consumer    text        NOT NULL,
    topic       text        NOT NULL,
    partition   integer     NOT NULL,
    next_offset bigint      NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (consumer, topic, partition)
);
