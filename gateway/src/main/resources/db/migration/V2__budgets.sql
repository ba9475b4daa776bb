-- Budgets (issue #4). Edited through /admin/v1/budgets, published to the compacted topic tollgate.budgets.v1,
-- where the streams app counts spend against them and every gateway replica enforces them from memory.
-- Money is integer micro-dollars; thresholds are comma-separated percents, ascending.
create table budgets (
    id            varchar(64)  primary key,
    scope_type    varchar(8)   not null check (scope_type in ('org', 'team', 'key')),
    scope_id      varchar(64)  not null,
    org_id        varchar(64)  not null references orgs (id),
    amount_micros bigint       not null check (amount_micros >= 0),
    period        varchar(8)   not null check (period in ('daily', 'weekly', 'monthly')),
    time_zone     varchar(64)  not null,
    thresholds    varchar(200) not null default '',
    enforcement   varchar(8)   not null check (enforcement in ('hard', 'soft')),
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    version       bigint       not null default 0
);
create index budgets_org on budgets (org_id);
