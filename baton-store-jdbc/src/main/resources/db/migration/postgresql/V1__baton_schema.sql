-- Baton schema for PostgreSQL. Keep in step with ../h2/V1__baton_schema.sql.
-- JSON values are jsonb. Identifiers use the "C" collation so that ordering and cursor comparisons follow
-- code-point order, the same as the H2 and in-memory stores, whatever the database's locale.
-- Every table carries tenant_id.

CREATE TABLE workflows (
    tenant_id      varchar(64) COLLATE "C"  NOT NULL,
    id             varchar(200) COLLATE "C" NOT NULL,
    latest_version integer                  NOT NULL,
    deleted        boolean                  NOT NULL,
    created_at     timestamptz              NOT NULL,
    updated_at     timestamptz              NOT NULL,
    CONSTRAINT workflows_pk PRIMARY KEY (tenant_id, id)
);

CREATE TABLE workflow_versions (
    tenant_id   varchar(64) COLLATE "C"  NOT NULL,
    workflow_id varchar(200) COLLATE "C" NOT NULL,
    version     integer                  NOT NULL,
    source      text                     NOT NULL,
    created_at  timestamptz              NOT NULL,
    CONSTRAINT workflow_versions_pk PRIMARY KEY (tenant_id, workflow_id, version),
    CONSTRAINT workflow_versions_workflow_fk FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id)
);

CREATE TABLE runs (
    id                  varchar(64) COLLATE "C"  NOT NULL,
    tenant_id           varchar(64) COLLATE "C"  NOT NULL,
    workflow_id         varchar(200) COLLATE "C" NOT NULL,
    workflow_version    integer                  NOT NULL,
    status              varchar(16)              NOT NULL,
    priority            integer                  NOT NULL,
    inputs              jsonb                    NOT NULL,
    outputs             jsonb,
    error_code          varchar(64),
    error_message       text,
    error_retriable     boolean,
    idempotency_key     varchar(255) COLLATE "C",
    parent_run_id       varchar(64) COLLATE "C",
    parent_step_id      varchar(300) COLLATE "C",
    created_at          timestamptz              NOT NULL,
    started_at          timestamptz,
    finished_at         timestamptz,
    cancel_requested_at timestamptz,
    -- the last event sequence number used; append() allocates the next ones without a round trip per event
    event_seq           bigint                   NOT NULL,
    CONSTRAINT runs_pk PRIMARY KEY (id)
);
CREATE UNIQUE INDEX runs_idempotency_key ON runs (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX runs_listing ON runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX runs_listing_by_workflow ON runs (tenant_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX runs_unfinished ON runs (created_at, id) WHERE status IN ('queued', 'running');

CREATE TABLE step_attempts (
    run_id          varchar(64) COLLATE "C"  NOT NULL,
    step_id         varchar(300) COLLATE "C" NOT NULL,
    attempt         integer                  NOT NULL,
    tenant_id       varchar(64) COLLATE "C"  NOT NULL,
    status          varchar(16)              NOT NULL,
    input           jsonb,
    output          jsonb,
    error_code      varchar(64),
    error_message   text,
    error_retriable boolean,
    started_at      timestamptz              NOT NULL,
    finished_at     timestamptz,
    CONSTRAINT step_attempts_pk PRIMARY KEY (run_id, step_id, attempt),
    CONSTRAINT step_attempts_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_events (
    run_id    varchar(64) COLLATE "C" NOT NULL,
    seq       bigint                  NOT NULL,
    tenant_id varchar(64) COLLATE "C" NOT NULL,
    type      varchar(32)             NOT NULL,
    payload   jsonb                   NOT NULL,
    at        timestamptz             NOT NULL,
    CONSTRAINT run_events_pk PRIMARY KEY (run_id, seq),
    CONSTRAINT run_events_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);
