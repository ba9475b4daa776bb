-- The system of record for what admins edit (issue #3). The gateway's hot path never reads these tables:
-- every change is published to a compacted topic and held in memory by each replica.

create table orgs (
    id         varchar(64)  primary key,
    name       varchar(200) not null,
    created_at timestamptz  not null
);

create table teams (
    id         varchar(64)  primary key,
    org_id     varchar(64)  not null references orgs (id),
    name       varchar(200) not null,
    created_at timestamptz  not null
);
create index teams_org on teams (org_id);

-- Only the SHA-256 digest of a key is stored; the plain key is shown once, when it is created.
create table api_keys (
    id             varchar(64)   primary key,
    org_id         varchar(64)   not null references orgs (id),
    team_id        varchar(64)   references teams (id),
    name           varchar(200),
    prefix         varchar(16)   not null,
    digest         bytea         not null unique,
    allowed_models varchar(4000) not null default '',
    rpm_limit      bigint        check (rpm_limit is null or rpm_limit > 0),
    tpm_limit      bigint        check (tpm_limit is null or tpm_limit > 0),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    created_at     timestamptz   not null,
    version        bigint        not null default 0
);
create index api_keys_org on api_keys (org_id);

-- Prices are integer micro-dollars per million tokens. upstream_api_key is a secret: never logged, never listed.
create table endpoints (
    id                             varchar(64)   primary key,
    model                          varchar(200)  not null,
    environment                    varchar(16)   not null check (environment in ('development', 'staging', 'production')),
    base_url                       varchar(2000) not null,
    upstream_api_key               varchar(4000),
    weight                         integer       not null check (weight > 0),
    status                         varchar(16)   not null check (status in ('ready', 'disabled', 'draining')),
    input_price_per_million_micros  bigint       not null check (input_price_per_million_micros >= 0),
    output_price_per_million_micros bigint       not null check (output_price_per_million_micros >= 0),
    price_version                  integer       not null check (price_version > 0),
    max_context                    integer       check (max_context is null or max_context > 0),
    created_at                     timestamptz   not null,
    version                        bigint        not null default 0,
    constraint endpoints_model_env_url unique (model, environment, base_url)
);
