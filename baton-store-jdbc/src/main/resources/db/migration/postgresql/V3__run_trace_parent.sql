-- The W3C traceparent a run's trace belongs under (from the start request's traceparent header, or for a child
-- run from its parent attempt's span): 00-<32 hex>-<16 hex>-<2 hex>, 55 characters. NULL when the run has none
-- (its trace id is then derived from its id). Written once when the run is created, never updated.
ALTER TABLE runs ADD COLUMN trace_parent VARCHAR(55);
