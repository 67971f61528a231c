-- Up Migration
-- Which rules each campaign's stored attributions were computed with, so a change of rules (config
-- sync, a new default gazetteer) is noticed and the campaign re-attributed; and how far a
-- re-attribution in progress has got, so a stopped job resumes instead of starting again.
CREATE TABLE attribution_state (
  campaign_id             bigint PRIMARY KEY REFERENCES campaigns (id),
  -- the rules fingerprint every stored attribution of the campaign was computed with (NULL: never walked)
  attributed_fingerprint  text,
  -- a walk in progress: the fingerprint it applies and the last post id it finished
  target_fingerprint      text,
  resume_after_post_id    bigint NOT NULL DEFAULT 0,
  started_at              timestamptz,
  finished_at             timestamptz,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Re-attribution walks a campaign's conversation in post id order (keyset pagination).
CREATE INDEX post_sources_campaign_match_post ON post_sources (campaign_id, post_id) WHERE relation = 'match';
