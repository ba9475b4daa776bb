-- Evaluators (issue #16). Edited through /admin/v1/evaluators and published to the compacted topic
-- tollgate.evaluators.v1, where the streams app scores live traffic with each evaluator's current version.
-- Versions are immutable: a change of the definition, selector or sampling adds a version, and scores name it.
create table evaluators (
    id              varchar(64)  primary key,
    name            varchar(200) not null,
    current_version int          not null check (current_version >= 1),
    active          boolean      not null,
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null,
    version         bigint       not null default 0
);

create table evaluator_versions (
    id              varchar(80)      primary key, -- <evaluator id>@<version>
    evaluator_id    varchar(64)      not null references evaluators (id) on delete cascade,
    number          int              not null check (number >= 1),
    name            varchar(200)     not null,
    type            varchar(16)      not null
        check (type in ('exact_match', 'regex', 'json_schema', 'tool_call', 'similarity', 'llm_judge')),
    definition_json text             not null,
    selector_json   text             not null,
    sampling_rate   double precision not null check (sampling_rate >= 0 and sampling_rate <= 1),
    created_at      timestamptz      not null,
    unique (evaluator_id, number)
);
