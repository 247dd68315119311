-- Queued child runs (map items, workflow steps) no node holds, in claim order. Keep in step with
-- ../h2/V6__claimable_children.sql. Children bypass admission and their parents wait on them holding admission
-- slots, so JdbcRunLeases.claimNext takes them even on a node without a free slot (includeQueued = false): this
-- index finds them without walking the whole queue of top-level runs (runs_claimable_queued), which may be deep.
-- See docs/store.md, "Leases and signals".
CREATE INDEX runs_claimable_children ON runs (priority DESC, created_at, run_no)
    WHERE status = 'queued' AND lease_owner IS NULL AND parent_run_id IS NOT NULL;
