-- A key may send its requests to development or staging endpoints by default (issue #3, environments).
-- Null means production. A request's x-tollgate-environment header still overrides it.
alter table api_keys add column environment varchar(16)
    check (environment is null or environment in ('development', 'staging', 'production'));
