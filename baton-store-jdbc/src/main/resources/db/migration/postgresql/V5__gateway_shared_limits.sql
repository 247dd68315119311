-- Cluster-wide rate limits and budgets of the AI gateway, for PostgreSQL. Keep in step with
-- ../h2/V5__gateway_shared_limits.sql. Used when several nodes share this database (dev.baton.store.jdbc.JdbcBuckets,
-- JdbcBudgets); a single node keeps both in memory and leaves these tables empty.

-- Token buckets (requests and tokens per minute per API key, anonymous callers and deployment), in the layout of
-- Bucket4j's PostgreSQLSelectForUpdateBasedProxyManager: the bucket's serialised state, read with SELECT ... FOR
-- UPDATE, computed on the node, written back in the same transaction. The name holds the limit
-- (key/team-a/rpm/100), so a changed limit starts a fresh bucket. A few rows per key and deployment.
CREATE TABLE gateway_buckets (
    name  varchar(500) COLLATE "C" NOT NULL,
    state bytea,
    CONSTRAINT gateway_buckets_pk PRIMARY KEY (name)
);

-- Budget accounts (key:<key id>, run:<run id>): lifetime spend and what calls in flight reserved, updated by
-- conditional single statements (reserve only if spent + reserved + worst case <= cap). A row is created from
-- the account's usage records the first time a node needs it.
CREATE TABLE gateway_budgets (
    account         varchar(300) COLLATE "C" NOT NULL,
    spent_tokens    bigint                   NOT NULL,
    spent_usd       double precision         NOT NULL,
    reserved_tokens bigint                   NOT NULL,
    reserved_usd    double precision         NOT NULL,
    CONSTRAINT gateway_budgets_pk PRIMARY KEY (account)
);

-- One row per account of a call in flight. The holder (one gateway process) pushes expires_at forward while it
-- lives; rows of a holder that died expire and are swept, giving their reservation back to the account.
CREATE TABLE gateway_budget_reservations (
    id         varchar(64) COLLATE "C"  NOT NULL,
    account    varchar(300) COLLATE "C" NOT NULL,
    holder     varchar(64) COLLATE "C"  NOT NULL,
    tokens     bigint                   NOT NULL,
    cost_usd   double precision         NOT NULL,
    expires_at timestamptz              NOT NULL,
    CONSTRAINT gateway_budget_reservations_pk PRIMARY KEY (id, account)
);
CREATE INDEX gateway_budget_reservations_by_expiry ON gateway_budget_reservations (expires_at);
CREATE INDEX gateway_budget_reservations_by_holder ON gateway_budget_reservations (holder);
