-- Up Migration
-- Each kind of pass keeps its own resume position: a reconciliation sweep or a backfill must never
-- overwrite the incremental cursor (sources.cursor), and vice versa. Keyed by run kind
-- ("sweep", "backfill" …); reset together with the cursor when a source's query or URL changes.
ALTER TABLE sources ADD COLUMN lane_cursors jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Posts a run found removed at the source (deleted, unapproved, not authorised) and purged to tombstones.
ALTER TABLE ingestion_runs ADD COLUMN removed_count integer NOT NULL DEFAULT 0;
