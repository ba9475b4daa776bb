-- Datasets, eval runs and backfills (issue #16). Examples are published one by one to the compacted topic
-- tollgate.dataset-examples.v1; runs and backfills to tollgate.eval-runs.v1 and tollgate.eval-backfills.v1, which
-- the evals worker executes. Their progress comes back on tollgate.eval-progress.v1, not through these tables.
create table datasets (
    id          varchar(64)  primary key,
    name        varchar(200) not null,
    description text,
    created_at  timestamptz  not null,
    updated_at  timestamptz  not null
);

create table dataset_examples (
    id               varchar(140) primary key, -- <dataset id>/<example id>
    dataset_id       varchar(64)  not null references datasets (id) on delete cascade,
    example_id       varchar(64)  not null,
    messages_json    text         not null,
    reference_output text,
    tags_json        text         not null default '{}',
    updated_at       timestamptz  not null,
    unique (dataset_id, example_id)
);

create table eval_runs (
    id         varchar(64) primary key,
    dataset_id varchar(64) not null,
    spec_json  text        not null, -- the published EvalRunSpec, as Avro JSON
    created_at timestamptz not null
);

create table eval_backfills (
    id                varchar(64) primary key,
    evaluator_id      varchar(64) not null,
    evaluator_version int         not null,
    spec_json         text        not null, -- the published EvalBackfillSpec, as Avro JSON
    created_at        timestamptz not null
);
