-- The claim index of queued child runs, for H2. Keep in step with ../postgresql/V6__claimable_children.sql.
-- H2 serves one node only and has no partial indexes (see V4): nothing to create, this version exists so that both
-- databases have the same schema version.
SELECT 1;
