-- The notifier's record of deliveries (issue #17), in its own database: it needs no gateway table, and the gateway's
-- tables (key digests among them) are none of its business. Numbered V7 after the gateway's V6 so that migration
-- numbers stay unique across the project.

-- One row per transition and receiver: the idempotency key (transition id / receiver id) is the primary key, so a
-- transition read again after a restart is not recorded, nor delivered, twice.
create table alert_deliveries (
    idempotency_key  varchar(400)  primary key,
    transition_id    varchar(300)  not null,
    receiver_id      varchar(64)   not null,
    fingerprint      varchar(32)   not null,
    state            varchar(16)   not null check (state in ('firing', 'resolved')),
    -- The alert as notifications carry it (Alertmanager's alert object), JSON.
    alert            text          not null,
    transitioned_at  timestamptz   not null,
    received_at      timestamptz   not null,
    -- The notification that carried it, or 'not-sent' for a resolved transition of a receiver without send_resolved.
    notification_id  varchar(64)
);
create index alert_deliveries_unsent on alert_deliveries (receiver_id) where notification_id is null;
create index alert_deliveries_latest on alert_deliveries (receiver_id, fingerprint, transitioned_at);

-- One row per POST to make: its body is fixed when it is created, so a retry (also after a restart) sends the same
-- body with the same Idempotency-Key.
create table alert_notifications (
    id               varchar(64)   primary key,
    receiver_id      varchar(64)   not null,
    group_key        varchar(2000) not null,
    kind             varchar(16)   not null check (kind in ('transitions', 'repeat')),
    status           varchar(16)   not null check (status in ('pending', 'delivered', 'failed')),
    body             text          not null,
    alerts           integer       not null,
    attempts         integer       not null default 0,
    next_attempt_at  timestamptz   not null,
    last_error       varchar(500),
    last_status      integer,
    created_at       timestamptz   not null,
    delivered_at     timestamptz,
    failed_at        timestamptz
);
create index alert_notifications_due on alert_notifications (next_attempt_at) where status = 'pending';
create index alert_notifications_status on alert_notifications (status, created_at);

-- When each group of each receiver was last notified: group_interval and repeat_interval count from it.
create table alert_groups (
    receiver_id  varchar(64)   not null,
    group_key    varchar(2000) not null,
    group_labels text          not null,
    last_sent_at timestamptz   not null,
    primary key (receiver_id, group_key)
);
