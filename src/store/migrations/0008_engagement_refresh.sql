-- Up Migration
-- Engagement refresh: when each X post's public metrics are next re-read (a decaying schedule per
-- post, see src/domain/engagement-schedule.ts). A row is made when the refresh first sees the post;
-- next_refresh_at is NULL once its schedule is over. A worker claims due rows (SKIP LOCKED) and
-- holds them with a lease while it reads, so two workers never read the same post twice and a
-- worker that dies frees its claim when the lease runs out.
CREATE TABLE engagement_refresh_schedule (
  post_id          bigint PRIMARY KEY REFERENCES posts (id),
  posted_at        timestamptz NOT NULL,
  next_refresh_at  timestamptz,
  last_read_at     timestamptz,
  reads            integer NOT NULL DEFAULT 0,
  leased_until     timestamptz,
  enrolled_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX engagement_refresh_due ON engagement_refresh_schedule (next_refresh_at) WHERE next_refresh_at IS NOT NULL;

-- Posts read by the engagement refresh per UTC day, against the daily read budget
-- (X_REFRESH_DAILY_BUDGET). X charges each post once per UTC day, so a post read again on the same
-- day is not counted twice.
CREATE TABLE x_daily_reads (
  day         date PRIMARY KEY,
  posts_read  integer NOT NULL DEFAULT 0 CHECK (posts_read >= 0)
);

-- X batch compliance jobs per campaign: created, ids uploaded, then polled across runs until X has
-- the result, which is downloaded and purged. 'forbidden' records that X refused this token the
-- endpoint (403), so later runs skip it for a while instead of asking again.
CREATE TABLE x_compliance_jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id   bigint NOT NULL REFERENCES campaigns (id),
  job_id        text,
  status        text NOT NULL CHECK (status IN ('creating', 'uploaded', 'purged', 'failed', 'forbidden')),
  ids_count     integer NOT NULL DEFAULT 0,
  purged_count  integer NOT NULL DEFAULT 0,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX x_compliance_jobs_campaign ON x_compliance_jobs (campaign_id, created_at DESC);
-- At most one job under way per campaign, so two workers never upload the same ids twice.
CREATE UNIQUE INDEX x_compliance_jobs_one_active ON x_compliance_jobs (campaign_id) WHERE status IN ('creating', 'uploaded');
