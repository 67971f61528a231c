-- Up Migration
-- Hourly rollups for launch analytics, so time-series queries never scan raw posts. They are derived
-- data: src/analytics/rollups recomputes any hour from posts, post_sources, authors and
-- locality_attributions, and can rebuild them all. Hours are UTC hours (date_trunc(..., 'UTC')).
--
-- Each post is counted in several grains at once, because distinct counts do not add up across them:
--   locality_key  -1 = every post once, whatever its localities; 0 = posts with no locality;
--                 > 0 = localities.id (a post in two localities is counted in both)
--   source_key     0 = every source at once (each post once);  > 0 = sources.id
-- Only relation 'match' provenance counts, and tombstoned posts count nowhere.

-- No foreign keys on the derived tables: they would cost a trigger call per row rebuilt, and
-- campaigns are never deleted.
CREATE TABLE analytics_hourly_rollups (
  campaign_id   bigint NOT NULL,
  locality_key  bigint NOT NULL,
  source_key    bigint NOT NULL,
  hour          timestamptz NOT NULL,
  platform      text NOT NULL CHECK (platform IN ('x', 'site')),
  -- posts made in this hour, and their latest engagement (likes + reposts + replies + quotes, plus 1
  -- for a site comment, which is itself a reply to the blog post)
  posts         integer NOT NULL,
  engagement    bigint NOT NULL,
  -- Exact distinct authors for any bucket of up to 24 hours, by summing one element per hour:
  -- new_authors[k] = authors posting in this hour (in this grain) who had not posted in the k - 1
  -- hours before it. A bucket starting k - 1 hours before this hour counts them as new, so the
  -- bucket's distinct authors = sum over its hours of new_authors[hours since bucket start + 1].
  -- new_authors[1] is this hour's distinct authors. The arrays are cut where they stop changing (an
  -- element past the end equals the last one), so most hold one element. new_reach is the same,
  -- summing those authors' follower counts (as known when the hour was last recomputed).
  new_authors   integer[] NOT NULL,
  new_reach     bigint[] NOT NULL,
  PRIMARY KEY (campaign_id, locality_key, source_key, hour, platform)
);
-- The refresh replaces whole (campaign, hour) slices.
CREATE INDEX analytics_hourly_rollups_campaign_hour ON analytics_hourly_rollups (campaign_id, hour);

-- Engagement observed accruing in each hour, from snapshot deltas: growth between two snapshots is
-- credited to the later snapshot's hour; what a post already had at its first snapshot (or, with
-- no snapshot, its current engagement) is credited to the hour the post was made.
CREATE TABLE analytics_hourly_accrual (
  campaign_id         bigint NOT NULL,
  locality_key        bigint NOT NULL,
  source_key          bigint NOT NULL,
  hour                timestamptz NOT NULL,
  platform            text NOT NULL CHECK (platform IN ('x', 'site')),
  engagement_accrued  bigint NOT NULL,
  PRIMARY KEY (campaign_id, locality_key, source_key, hour, platform)
);
CREATE INDEX analytics_hourly_accrual_campaign_hour ON analytics_hourly_accrual (campaign_id, hour);

-- Hours whose rollups are stale. Append-only marks (no unique key), so writers in concurrent
-- ingestion transactions never wait on each other; the refresh claims and deletes them. The scope
-- says how much of the hour to recompute:
--   members     which posts count where changed (new, deleted, re-attributed, moved): everything,
--               including the distinct authors of the 23 hours after it;
--   engagement  only the counts of posts made in the hour changed: their engagement, and accrual;
--   accrual     a snapshot was taken in the hour: engagement accrued only.
CREATE TABLE analytics_rollup_dirty_hours (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL,
  hour         timestamptz NOT NULL,
  scope        text NOT NULL DEFAULT 'members' CHECK (scope IN ('members', 'engagement', 'accrual')),
  marked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analytics_rollup_dirty_hours_campaign_hour ON analytics_rollup_dirty_hours (campaign_id, hour);

-- The store marks a post's hours after writing it, when only the post's new time is known. A post
-- whose created_at changes (an edited site comment's date) also leaves its old hour stale: this
-- trigger marks that one. It fires only when created_at really changes.
CREATE FUNCTION analytics_mark_old_post_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_rollup_dirty_hours (campaign_id, hour)
  SELECT DISTINCT ps.campaign_id, date_trunc('hour', OLD.created_at, 'UTC')
  FROM post_sources ps WHERE ps.post_id = OLD.id AND ps.relation = 'match';
  RETURN NULL;
END
$$;

CREATE TRIGGER posts_created_at_moved AFTER UPDATE OF created_at ON posts
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION analytics_mark_old_post_hour();
