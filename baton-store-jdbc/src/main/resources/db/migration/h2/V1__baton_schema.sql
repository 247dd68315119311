-- Baton schema for H2 (embedded default). Keep in step with ../postgresql/V1__baton_schema.sql.
-- JSON values are kept as text in CLOB columns: H2's JSON and VARCHAR types stop at 1 MiB, step outputs
-- (e.g. embeddings of a batch) can be larger. Every table carries tenant_id.

CREATE TABLE workflows (
    tenant_id      VARCHAR(64)                 NOT NULL,
    id             VARCHAR(200)                NOT NULL,
    latest_version INTEGER                     NOT NULL,
    deleted        BOOLEAN                     NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT workflows_pk PRIMARY KEY (tenant_id, id)
);

CREATE TABLE workflow_versions (
    tenant_id   VARCHAR(64)                 NOT NULL,
    workflow_id VARCHAR(200)                NOT NULL,
    version     INTEGER                     NOT NULL,
    source      CHARACTER LARGE OBJECT      NOT NULL,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT workflow_versions_pk PRIMARY KEY (tenant_id, workflow_id, version),
    CONSTRAINT workflow_versions_workflow_fk FOREIGN KEY (tenant_id, workflow_id) REFERENCES workflows (tenant_id, id)
);

CREATE TABLE runs (
    id                  VARCHAR(64)                 NOT NULL,
    tenant_id           VARCHAR(64)                 NOT NULL,
    workflow_id         VARCHAR(200)                NOT NULL,
    workflow_version    INTEGER                     NOT NULL,
    status              VARCHAR(16)                 NOT NULL,
    priority            INTEGER                     NOT NULL,
    inputs              CHARACTER LARGE OBJECT      NOT NULL,
    outputs             CHARACTER LARGE OBJECT,
    error_code          VARCHAR(64),
    error_message       CHARACTER LARGE OBJECT,
    error_retriable     BOOLEAN,
    idempotency_key     VARCHAR(255),
    parent_run_id       VARCHAR(64),
    parent_step_id      VARCHAR(300),
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP(6) WITH TIME ZONE,
    finished_at         TIMESTAMP(6) WITH TIME ZONE,
    cancel_requested_at TIMESTAMP(6) WITH TIME ZONE,
    -- the last event sequence number used; append() allocates the next ones without a round trip per event
    event_seq           BIGINT                      NOT NULL,
    CONSTRAINT runs_pk PRIMARY KEY (id)
);
-- H2 unique indexes treat NULLs as distinct, so runs without a key do not collide.
CREATE UNIQUE INDEX runs_idempotency_key ON runs (tenant_id, idempotency_key);
CREATE INDEX runs_listing ON runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX runs_listing_by_workflow ON runs (tenant_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX runs_by_status ON runs (status, created_at, id);

CREATE TABLE step_attempts (
    run_id          VARCHAR(64)                 NOT NULL,
    step_id         VARCHAR(300)                NOT NULL,
    attempt         INTEGER                     NOT NULL,
    tenant_id       VARCHAR(64)                 NOT NULL,
    status          VARCHAR(16)                 NOT NULL,
    input           CHARACTER LARGE OBJECT,
    output          CHARACTER LARGE OBJECT,
    error_code      VARCHAR(64),
    error_message   CHARACTER LARGE OBJECT,
    error_retriable BOOLEAN,
    started_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    finished_at     TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT step_attempts_pk PRIMARY KEY (run_id, step_id, attempt),
    CONSTRAINT step_attempts_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_events (
    run_id    VARCHAR(64)                 NOT NULL,
    seq       BIGINT                      NOT NULL,
    tenant_id VARCHAR(64)                 NOT NULL,
    type      VARCHAR(32)                 NOT NULL,
    payload   CHARACTER LARGE OBJECT      NOT NULL,
    at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT run_events_pk PRIMARY KEY (run_id, seq),
    CONSTRAINT run_events_run_fk FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE
);
