-- Alert silences (issue #20). Edited through /admin/v1/silences and published to the compacted topic
-- tollgate.alert-silences.v1, which the notifier follows: while a silence is active (starts_at <= now < ends_at) it
-- delivers no alert whose labels equal every matcher. Expiring a silence sets ends_at to now; rows are kept as the
-- history of who silenced what and why.
create table alert_silences (
    id          varchar(64)    primary key,
    -- Label name to value, a JSON object of strings; never empty.
    matchers    text           not null,
    starts_at   timestamptz    not null,
    ends_at     timestamptz    not null,
    created_by  varchar(200),
    comment     varchar(1000)  not null,
    created_at  timestamptz    not null,
    updated_at  timestamptz    not null,
    version     bigint         not null default 0,
    check (ends_at > starts_at)
);
create index alert_silences_ends_at on alert_silences (ends_at);
