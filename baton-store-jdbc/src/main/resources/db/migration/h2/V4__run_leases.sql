-- Run leases, for H2. Keep in step with ../postgresql/V4__run_leases.sql.
-- H2 serves one node only (JdbcStores.leases() refuses it): nothing here ever sets these columns, they exist so
-- that both schemas have the same shape and the journal's fencing reads the same columns. H2 has no partial
-- indexes, so the claim indexes of PostgreSQL have no counterpart here.
ALTER TABLE runs ADD COLUMN lease_owner VARCHAR(64);
ALTER TABLE runs ADD COLUMN lease_expires_at TIMESTAMP(6) WITH TIME ZONE;
