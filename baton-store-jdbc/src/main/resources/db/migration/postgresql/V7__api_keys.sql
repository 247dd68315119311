-- Stored API keys, for PostgreSQL. Keep in step with ../h2/V7__api_keys.sql.
-- The secret is never stored: only its public prefix (bt_ + 8 base62 characters, unique, how a presented key is
-- looked up) and the lower-case hex SHA-256 of the whole key. roles is a comma-separated list of role ids
-- (admin, operator, developer, viewer). The quota columns are the key's own limits (0 = none). Keys are listed
-- per tenant, newest first, by (created_at DESC, id DESC) keyset pages; ids and prefixes use the "C" collation
-- so that ties are ordered by code point, as in the in-memory store.

CREATE TABLE api_keys (
    id                  varchar(64) COLLATE "C"  NOT NULL,
    tenant_id           varchar(64) COLLATE "C"  NOT NULL,
    name                varchar(100)             NOT NULL,
    prefix              varchar(32) COLLATE "C"  NOT NULL,
    hash                varchar(64)              NOT NULL,
    roles               varchar(100)             NOT NULL,
    requests_per_minute bigint                   NOT NULL DEFAULT 0,
    tokens_per_minute   bigint                   NOT NULL DEFAULT 0,
    max_concurrent_runs integer                  NOT NULL DEFAULT 0,
    daily_tokens        bigint                   NOT NULL DEFAULT 0,
    daily_cost_usd      double precision         NOT NULL DEFAULT 0,
    monthly_tokens      bigint                   NOT NULL DEFAULT 0,
    monthly_cost_usd    double precision         NOT NULL DEFAULT 0,
    created_at          timestamptz              NOT NULL,
    created_by          varchar(200)             NOT NULL,
    expires_at          timestamptz,
    last_used_at        timestamptz,
    revoked_at          timestamptz,
    CONSTRAINT api_keys_pk PRIMARY KEY (id),
    CONSTRAINT api_keys_prefix_unique UNIQUE (prefix)
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, id DESC);
