-- Up Migration
-- Groundswell's first schema. Migrations are append-only: never edit a migration that has shipped;
-- add the next number instead. Indexes on campaign-scoped tables lead with the campaign, then time.

CREATE TABLE campaigns (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  timezone    text NOT NULL DEFAULT 'Europe/London',
  enabled     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE localities (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL REFERENCES campaigns (id),
  slug         text NOT NULL,
  name         text NOT NULL,
  -- hashtags, keywords, places (and later rule kinds): the attribution rules as configured
  rules        jsonb NOT NULL DEFAULT '{}'::jsonb,
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, slug)
);

CREATE TABLE launches (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL REFERENCES campaigns (id),
  slug         text NOT NULL,
  title        text NOT NULL,
  at           timestamptz NOT NULL,
  url          text,
  description  text,
  -- 'config' launches follow the config file; 'dashboard' ones were added by staff and are left alone by config sync
  managed_by   text NOT NULL DEFAULT 'config' CHECK (managed_by IN ('config', 'dashboard')),
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, slug)
);
CREATE INDEX launches_campaign_at ON launches (campaign_id, at);

CREATE TABLE sources (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id      bigint NOT NULL REFERENCES campaigns (id),
  slug             text NOT NULL UNIQUE,
  kind             text NOT NULL,
  -- kind-specific settings (query, url, locality …) exactly as configured
  settings         jsonb NOT NULL DEFAULT '{}'::jsonb,
  every_ms         bigint NOT NULL CHECK (every_ms > 0),
  enabled          boolean NOT NULL DEFAULT true,
  -- where the next pass starts; written only in the transaction that stores the rows it covers
  cursor           jsonb NOT NULL DEFAULT '{}'::jsonb,
  cursor_updated_at timestamptz,
  status           text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'failing', 'rate-limited', 'disabled')),
  last_run_at      timestamptz,
  last_success_at  timestamptz,
  last_error       text,
  last_error_code  text,
  last_error_at    timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_campaign ON sources (campaign_id, slug);

CREATE TABLE authors (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  platform         text NOT NULL CHECK (platform IN ('x', 'site')),
  external_id      text NOT NULL,
  handle           text,
  name             text,
  url              text,
  location         text,
  followers_count  integer,
  verified         boolean,
  profile          jsonb,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, external_id)
);

CREATE TABLE posts (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  platform            text NOT NULL CHECK (platform IN ('x', 'site')),
  external_id         text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('post', 'reply', 'quote', 'repost', 'comment')),
  author_id           bigint REFERENCES authors (id),
  created_at          timestamptz NOT NULL,
  url                 text,
  text                text,
  -- sanitised HTML for site comments; never rendered as HTML for X posts
  html                text,
  lang                text,
  conversation_id     text,
  -- the post or comment this one answers (threads), and what it quotes or reposts
  parent_external_id  text,
  referenced          jsonb,
  edit_history_ids    text[],
  place               jsonb,
  -- where a comment sits: the blog post's title, URL, categories and tags
  context             jsonb,
  like_count          integer NOT NULL DEFAULT 0,
  repost_count        integer NOT NULL DEFAULT 0,
  reply_count         integer NOT NULL DEFAULT 0,
  quote_count         integer NOT NULL DEFAULT 0,
  impression_count    bigint,
  metrics_at          timestamptz,
  raw                 jsonb,
  -- a tombstone keeps ids and times only: text, author details and payload are purged
  deleted_at          timestamptz,
  deleted_reason      text,
  first_seen_at       timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, external_id)
);
CREATE INDEX posts_created_at ON posts (created_at);
CREATE INDEX posts_author ON posts (author_id);
CREATE INDEX posts_parent ON posts (platform, parent_external_id) WHERE parent_external_id IS NOT NULL;

-- Provenance: which campaign and source each post came through (a post can reach several).
CREATE TABLE post_sources (
  post_id          bigint NOT NULL REFERENCES posts (id),
  source_id        bigint NOT NULL REFERENCES sources (id),
  campaign_id      bigint NOT NULL REFERENCES campaigns (id),
  -- copied from posts.created_at so campaign timelines need not join posts
  post_created_at  timestamptz NOT NULL,
  -- 'match': the source's query or site returned it; 'reference': it arrived only as a post that a
  -- match quotes, reposts or answers (stored for context, not counted as campaign conversation)
  relation         text NOT NULL DEFAULT 'match' CHECK (relation IN ('match', 'reference')),
  first_run_id     bigint,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_id, post_id)
);
CREATE INDEX post_sources_campaign_time ON post_sources (campaign_id, post_created_at);
CREATE INDEX post_sources_post ON post_sources (post_id);

CREATE TABLE engagement_snapshots (
  post_id           bigint NOT NULL REFERENCES posts (id),
  captured_at       timestamptz NOT NULL,
  like_count        integer NOT NULL,
  repost_count      integer NOT NULL,
  reply_count       integer NOT NULL,
  quote_count       integer NOT NULL,
  impression_count  bigint,
  PRIMARY KEY (post_id, captured_at)
);
CREATE INDEX engagement_snapshots_time ON engagement_snapshots (captured_at);

CREATE TABLE locality_attributions (
  post_id          bigint NOT NULL REFERENCES posts (id),
  locality_id      bigint NOT NULL REFERENCES localities (id),
  campaign_id      bigint NOT NULL REFERENCES campaigns (id),
  post_created_at  timestamptz NOT NULL,
  -- which rule matched (hashtag, keyword, place, profile-location, x-place, site, override …)
  rule             text NOT NULL,
  matched          text,
  confidence       real NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  is_override      boolean NOT NULL DEFAULT false,
  attributed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, locality_id)
);
CREATE INDEX locality_attributions_campaign_time ON locality_attributions (campaign_id, post_created_at);
CREATE INDEX locality_attributions_locality_time ON locality_attributions (locality_id, post_created_at);

-- Staff overrides survive re-attribution: the attribution job applies them last.
CREATE TABLE attribution_overrides (
  post_id        bigint NOT NULL REFERENCES posts (id),
  campaign_id    bigint NOT NULL REFERENCES campaigns (id),
  locality_ids   bigint[] NOT NULL,
  note           text,
  set_by         bigint,
  set_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, post_id)
);

CREATE TABLE ingestion_runs (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id           bigint NOT NULL REFERENCES sources (id),
  campaign_id         bigint NOT NULL REFERENCES campaigns (id),
  -- incremental pass, backfill, reconciliation sweep, engagement refresh, compliance check
  kind                text NOT NULL,
  trigger             text NOT NULL DEFAULT 'schedule',
  status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'rate-limited', 'interrupted')),
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  pages               integer NOT NULL DEFAULT 0,
  fetched             integer NOT NULL DEFAULT 0,
  new_count           integer NOT NULL DEFAULT 0,
  updated_count       integer NOT NULL DEFAULT 0,
  -- {"reason": count}
  dropped             jsonb NOT NULL DEFAULT '{}'::jsonb,
  rate_limit_waits    integer NOT NULL DEFAULT 0,
  rate_limit_wait_ms  bigint NOT NULL DEFAULT 0,
  error_code          text,
  error               text
);
CREATE INDEX ingestion_runs_campaign_time ON ingestion_runs (campaign_id, started_at);
CREATE INDEX ingestion_runs_source_time ON ingestion_runs (source_id, started_at DESC);

CREATE TABLE users (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email          text NOT NULL,
  password_hash  text NOT NULL,
  role           text NOT NULL CHECK (role IN ('viewer', 'admin')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  disabled_at    timestamptz
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
  -- a hash of the cookie's token: a leaked table does not hand out sessions
  token_hash    text PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  user_agent    text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
