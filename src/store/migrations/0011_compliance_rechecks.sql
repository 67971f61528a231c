-- Up Migration
-- Compliance rechecks: where X refuses the token batch compliance jobs, the engagement refresh looks
-- up again every live X post that has not been read for X_COMPLIANCE_RECHECK_DAYS, so a post deleted
-- or protected after its last scheduled read is still purged. Those reads are capped per UTC day
-- at a share of the daily read budget so they never take what the day's due refreshes need; this
-- column counts them, alongside posts_read (which includes them).
ALTER TABLE x_daily_reads ADD COLUMN rechecks_read integer NOT NULL DEFAULT 0 CHECK (rechecks_read >= 0);

-- The recheck claim walks posts from the longest unread (never read: since enrolled) and stops at
-- the first still read recently enough, every 5 minutes per campaign: without this index it would
-- sort every schedule row.
CREATE INDEX engagement_refresh_stale ON engagement_refresh_schedule ((COALESCE(last_read_at, enrolled_at)), post_id);
