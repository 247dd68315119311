-- Cluster-wide rate limits and budgets of the AI gateway, for H2. Keep in step with
-- ../postgresql/V5__gateway_shared_limits.sql. H2 serves one node, which keeps buckets and budgets in memory: these
-- tables stay empty and exist so that both databases have the same schema.

CREATE TABLE gateway_buckets (
    name  VARCHAR(500) NOT NULL,
    state VARBINARY,
    CONSTRAINT gateway_buckets_pk PRIMARY KEY (name)
);

CREATE TABLE gateway_budgets (
    account         VARCHAR(300)     NOT NULL,
    spent_tokens    BIGINT           NOT NULL,
    spent_usd       DOUBLE PRECISION NOT NULL,
    reserved_tokens BIGINT           NOT NULL,
    reserved_usd    DOUBLE PRECISION NOT NULL,
    CONSTRAINT gateway_budgets_pk PRIMARY KEY (account)
);

CREATE TABLE gateway_budget_reservations (
    id         VARCHAR(64)              NOT NULL,
    account    VARCHAR(300)             NOT NULL,
    holder     VARCHAR(64)              NOT NULL,
    tokens     BIGINT                   NOT NULL,
    cost_usd   DOUBLE PRECISION         NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT gateway_budget_reservations_pk PRIMARY KEY (id, account)
);
CREATE INDEX gateway_budget_reservations_by_expiry ON gateway_budget_reservations (expires_at);
CREATE INDEX gateway_budget_reservations_by_holder ON gateway_budget_reservations (holder);
