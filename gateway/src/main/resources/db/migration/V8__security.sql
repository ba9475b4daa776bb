-- Security (issue #24), see docs/security.md.
-- 1. Upstream API keys are sealed by envelope encryption: only the KEK id and the envelope (wrapped data key, nonce,
--    AES-256-GCM ciphertext) are stored. V9 (a Java migration, it needs the KEK) seals the existing plaintext keys,
--    empties upstream_api_key and forbids it from then on.
alter table endpoints add column upstream_key_kek_id varchar(64);
alter table endpoints add column upstream_key_envelope bytea;
alter table endpoints add constraint endpoints_sealed_key_complete
    check ((upstream_key_kek_id is null) = (upstream_key_envelope is null));
create index endpoints_upstream_key_kek on endpoints (upstream_key_kek_id);

-- 2. The environments a key may send requests to, comma-separated, like allowed_models. Null for a key created
--    before this migration: tollgate.keys.legacy-environments decides for those (by default only their own).
alter table api_keys add column allowed_environments varchar(100);

-- 3. Named admin credentials, stored hashed (SHA-256 of a 256-bit random token), revocable, with a role.
create table admin_credentials (
    id         varchar(64)  primary key,
    name       varchar(200) not null,
    role       varchar(16)  not null check (role in ('admin', 'read_only')),
    prefix     varchar(16)  not null,
    digest     bytea        not null unique,
    created_by varchar(64)  not null,
    created_at timestamptz  not null,
    revoked_at timestamptz,
    version    bigint       not null default 0
);
create unique index admin_credentials_live_name on admin_credentials (name) where revoked_at is null;
create index admin_credentials_prefix on admin_credentials (prefix);
