-- Stored API keys, for H2. Keep in step with ../postgresql/V7__api_keys.sql.
-- The secret is never stored: only its public prefix (bt_ + 8 base62 characters, unique, how a presented key is
-- looked up) and the lower-case hex SHA-256 of the whole key. roles is a comma-separated list of role ids
-- (admin, operator, developer, viewer). The quota columns are the key's own limits (0 = none). Keys are listed
-- per tenant, newest first, by (created_at DESC, id DESC) keyset pages.

CREATE TABLE api_keys (
    id                  VARCHAR(64)                 NOT NULL,
    tenant_id           VARCHAR(64)                 NOT NULL,
    name                VARCHAR(100)                NOT NULL,
    prefix              VARCHAR(32)                 NOT NULL,
    hash                VARCHAR(64)                 NOT NULL,
    roles               VARCHAR(100)                NOT NULL,
    requests_per_minute BIGINT                      DEFAULT 0 NOT NULL,
    tokens_per_minute   BIGINT                      DEFAULT 0 NOT NULL,
    max_concurrent_runs INTEGER                     DEFAULT 0 NOT NULL,
    daily_tokens        BIGINT                      DEFAULT 0 NOT NULL,
    daily_cost_usd      DOUBLE PRECISION            DEFAULT 0 NOT NULL,
    monthly_tokens      BIGINT                      DEFAULT 0 NOT NULL,
    monthly_cost_usd    DOUBLE PRECISION            DEFAULT 0 NOT NULL,
    created_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    created_by          VARCHAR(200)                NOT NULL,
    expires_at          TIMESTAMP(6) WITH TIME ZONE,
    last_used_at        TIMESTAMP(6) WITH TIME ZONE,
    revoked_at          TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT api_keys_pk PRIMARY KEY (id),
    CONSTRAINT api_keys_prefix_unique UNIQUE (prefix)
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, id DESC);
