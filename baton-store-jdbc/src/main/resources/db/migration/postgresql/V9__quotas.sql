-- Quotas of tenants and API keys, for PostgreSQL. Keep in step with ../h2/V9__quotas.sql.

-- Usage records carry the tenant the call was made for (records written before multi-tenancy belong to the
-- default system tenant) and the stored API key that made it, so per-tenant and per-key day/month budgets can
-- read their spending since the period started, and /usage shows each tenant only its own.
ALTER TABLE usage_records ADD COLUMN tenant_id varchar(64) COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE usage_records ADD COLUMN key_id varchar(64) COLLATE "C";
CREATE INDEX usage_records_by_tenant ON usage_records (tenant_id, at);
CREATE INDEX usage_records_by_key ON usage_records (key_id, at) WHERE key_id IS NOT NULL;

-- maxConcurrentRuns: one row per scope (tenant/<id>, apikey/<id>) that has ever limited a run, locked with
-- SELECT ... FOR UPDATE by a claim so that concurrent starts on every node count one after the other.
CREATE TABLE run_slot_scopes (
    scope varchar(300) COLLATE "C" NOT NULL,
    CONSTRAINT run_slot_scopes_pk PRIMARY KEY (scope)
);

-- One row per slot held: a top-level run queued or running (holder = run id), or a start in progress (holder =
-- pending:<uuid>). Released when the run ends; a slot of a run that ended without release is reclaimed by the
-- next claim that finds its scope full.
CREATE TABLE run_slots (
    scope      varchar(300) COLLATE "C" NOT NULL,
    holder     varchar(64) COLLATE "C"  NOT NULL,
    tenant_id  varchar(64) COLLATE "C"  NOT NULL,
    claimed_at timestamptz              NOT NULL,
    CONSTRAINT run_slots_pk PRIMARY KEY (scope, holder)
);
CREATE INDEX run_slots_by_holder ON run_slots (holder);
