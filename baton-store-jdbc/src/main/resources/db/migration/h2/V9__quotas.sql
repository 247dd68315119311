-- Quotas of tenants and API keys, for H2. Keep in step with ../postgresql/V9__quotas.sql.

ALTER TABLE usage_records ADD COLUMN tenant_id VARCHAR(64) DEFAULT 'default' NOT NULL;
ALTER TABLE usage_records ADD COLUMN key_id VARCHAR(64);
CREATE INDEX usage_records_by_tenant ON usage_records (tenant_id, at);
CREATE INDEX usage_records_by_key ON usage_records (key_id, at);

CREATE TABLE run_slot_scopes (
    scope VARCHAR(300) NOT NULL,
    CONSTRAINT run_slot_scopes_pk PRIMARY KEY (scope)
);

CREATE TABLE run_slots (
    scope      VARCHAR(300)                NOT NULL,
    holder     VARCHAR(64)                 NOT NULL,
    tenant_id  VARCHAR(64)                 NOT NULL,
    claimed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT run_slots_pk PRIMARY KEY (scope, holder)
);
CREATE INDEX run_slots_by_holder ON run_slots (holder);
