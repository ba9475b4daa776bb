-- Gateway policies (issue #22): the response-cache settings of an org or a key. A key's setting, where it has one,
-- wins over its org's; null means "not set at this scope". Published on tollgate.gateway-policies.v1, held in memory.
create table gateway_policies (
    id                varchar(80)  primary key,
    scope             varchar(8)   not null check (scope in ('org', 'key')),
    scope_id          varchar(64)  not null,
    cache_enabled     boolean,
    cache_ttl_seconds bigint       check (cache_ttl_seconds is null or cache_ttl_seconds > 0),
    updated_at        timestamptz  not null,
    version           bigint       not null default 0,
    constraint gateway_policies_scope unique (scope, scope_id)
);
