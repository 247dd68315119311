-- Run leases, for several Baton nodes sharing this database. Keep in step with ../h2/V4__run_leases.sql.
-- A run is executed by the node holding its lease: lease_owner is that node's id (ClusterSettings.nodeId, at
-- most 64 characters), lease_expires_at the end of the lease in the database's clock (now()/clock_timestamp(),
-- never a node's). Both are NULL for a run never leased (a single node) or released (graceful shutdown).
-- A finished run keeps its last owner. JdbcRunLeases claims, renews and releases; JournalAppender fences
-- (refuses the entries of a run leased to another node). See docs/store.md, "Leases and signals".
ALTER TABLE runs ADD COLUMN lease_owner varchar(64) COLLATE "C";
ALTER TABLE runs ADD COLUMN lease_expires_at timestamptz;

-- The queue: QUEUED runs no node holds, in claim order. Also counts the queue depth (queuedRuns) by an
-- index-only scan: parent_run_id is included to tell top-level runs from children.
CREATE INDEX runs_claimable_queued ON runs (priority DESC, created_at, run_no) INCLUDE (parent_run_id)
    WHERE status = 'queued' AND lease_owner IS NULL;

-- Orphans: RUNNING runs (owned or not) and QUEUED runs a node claimed, by lease expiry, a run without a lease
-- (never leased, or released) first. The claim of orphans is a range scan of its head.
CREATE INDEX runs_lease_expiry ON runs ((COALESCE(lease_expires_at, '-infinity'::timestamptz)), run_no)
    WHERE status = 'running' OR (status = 'queued' AND lease_owner IS NOT NULL);

-- The live runs of a node, for its heartbeat (renew) and release.
CREATE INDEX runs_lease_owner ON runs (lease_owner, run_no)
    WHERE lease_owner IS NOT NULL AND status IN ('queued', 'running');
