import { z } from 'zod';
import { attributionInputOf, withDefaultGazetteer, type AttributionInput, type AttributionRule, type LocalityRules } from '../domain/attribution/index.js';
import type { PostKind } from '../domain/post.js';
import type { Queryable } from './db.js';
import { toPgJson } from './json.js';

// Locality attributions: what attribution reads (a campaign's rules, the posts to attribute) and
// what it writes (locality_attributions, set-based), plus the state of re-attribution walks
// (attribution_state). Rows become domain types here and nowhere else.

/**
 * A digest of every stored row a campaign's attribution depends on: its enabled localities (id,
 * slug, name, rules) and the localities its sources are configured with. Config sync rewrites
 * those rows when the config changes them, so the digest changes exactly then. Content, not
 * updated_at, so two databases never share a digest unless they would attribute alike.
 */
const rulesHashOf = (campaignId: string) => `md5(
    coalesce((SELECT string_agg(concat_ws('|', l.id, l.slug, l.name, l.rules::text), chr(10) ORDER BY l.id)
              FROM localities l WHERE l.campaign_id = ${campaignId} AND l.enabled), '')
    || chr(10) ||
    coalesce((SELECT string_agg(concat_ws('|', s.id, s.settings->>'locality'), chr(10) ORDER BY s.id)
              FROM sources s WHERE s.campaign_id = ${campaignId} AND s.settings ? 'locality'), ''))`;

// ---- a campaign's rules ------------------------------------------------------------------------

/** One enabled locality with the rules the matcher gets: as configured, plus the default gazetteer. */
export interface StoredLocality {
  readonly id: number;
  readonly slug: string;
  readonly rules: LocalityRules;
}

export interface CampaignLocalityRules {
  readonly campaignId: number;
  /** Changes whenever the localities or the sources' localities change (see `rulesHashOf`). */
  readonly rulesHash: string;
  /** In id order, which is the order the config introduced them. */
  readonly localities: readonly StoredLocality[];
  /** The locality slug each of its sites or feeds is configured with, by source id. */
  readonly siteLocalityBySource: ReadonlyMap<number, string>;
}

// localities.rules as config sync writes it ({hashtags, keywords, places}; see campaigns.ts). Keys
// other than these are later rule kinds this build does not know, and are ignored.
const storedRulesSchema = z.object({
  hashtags: z.array(z.string()).default([]),
  keywords: z.array(z.string()).default([]),
  places: z.array(z.string()).default([]),
});

interface LocalityDbRow {
  id: number;
  slug: string;
  name: string;
  rules: unknown;
}

interface CampaignRulesDbRow {
  campaign_id: number;
  rules_hash: string;
  localities: LocalityDbRow[];
  site_localities: Array<{ source_id: number; locality: string }>;
}

/** The attribution rules of each campaign asked for that exists (campaigns that do not are left out). */
export async function loadCampaignRules(db: Queryable, campaignIds: readonly number[]): Promise<Map<number, CampaignLocalityRules>> {
  const byCampaign = new Map<number, CampaignLocalityRules>();
  if (campaignIds.length === 0) return byCampaign;
  const { rows } = await db.query<CampaignRulesDbRow>(
    `SELECT c.id AS campaign_id, ${rulesHashOf('c.id')} AS rules_hash,
            coalesce((SELECT json_agg(json_build_object('id', l.id, 'slug', l.slug, 'name', l.name, 'rules', l.rules) ORDER BY l.id)
                      FROM localities l WHERE l.campaign_id = c.id AND l.enabled), '[]'::json) AS localities,
            coalesce((SELECT json_agg(json_build_object('source_id', s.id, 'locality', s.settings->>'locality'))
                      FROM sources s WHERE s.campaign_id = c.id AND s.settings->>'locality' IS NOT NULL), '[]'::json) AS site_localities
     FROM campaigns c WHERE c.id = ANY($1::bigint[])`,
    [[...new Set(campaignIds)]],
  );
  for (const row of rows) byCampaign.set(row.campaign_id, toCampaignRules(row));
  return byCampaign;
}

function toCampaignRules(row: CampaignRulesDbRow): CampaignLocalityRules {
  const configured: LocalityRules[] = row.localities.map((locality) => {
    const parsed = storedRulesSchema.safeParse(locality.rules);
    if (!parsed.success) {
      throw new Error(`localities.rules of locality ${locality.slug} (id ${locality.id}) is not {hashtags, keywords, places} lists of text: ${parsed.error.message}`);
    }
    return { slug: locality.slug, name: locality.name, ...parsed.data };
  });
  // withDefaultGazetteer maps one to one and keeps the order, so ids pair up by position.
  const merged = withDefaultGazetteer(configured);
  return {
    campaignId: row.campaign_id,
    rulesHash: row.rules_hash,
    localities: merged.map((rules, index) => ({ id: row.localities[index]!.id, slug: rules.slug, rules })),
    siteLocalityBySource: new Map(row.site_localities.map((site) => [site.source_id, site.locality])),
  };
}

/** A campaign's rules digest now (see `rulesHashOf`); undefined when there is no such campaign. */
export async function readRulesHash(db: Queryable, campaignId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ rules_hash: string }>(`SELECT ${rulesHashOf('c.id')} AS rules_hash FROM campaigns c WHERE c.id = $1`, [campaignId]);
  return rows[0]?.rules_hash;
}

// ---- the posts to attribute --------------------------------------------------------------------

/** One post as one campaign's attribution sees it. A post in two campaigns comes once for each. */
export interface PostToAttribute {
  readonly postId: number;
  readonly campaignId: number;
  readonly kind: PostKind;
  /** A tombstone: never attributed, and any attribution it has is removed. */
  readonly deleted: boolean;
  /** The campaign's rules digest when the post was read; a matcher compiled from another is stale. */
  readonly rulesHash: string;
  readonly input: AttributionInput;
}

export interface LoadPostsOptions {
  /** Only this campaign's view of the posts (a re-attribution walks one campaign). */
  campaignId?: number;
  /**
   * Share-lock the posts, in the (platform, external_id) order the ingestion upserts lock them in,
   * so a walk and an ingestion batch touching the same posts queue instead of deadlocking.
   */
  lockForShare?: boolean;
}

interface PostDbRow {
  post_id: number;
  campaign_id: number;
  rules_hash: string;
  kind: PostKind;
  text: string | null;
  context: unknown;
  place: unknown;
  author_location: string | null;
  site_locality: string | null;
  deleted: boolean;
}

const WANTED_POSTS = `SELECT DISTINCT unnest($1::bigint[]) AS id`;
const WANTED_POSTS_LOCKED = `SELECT p.id FROM posts p WHERE p.id = ANY($1::bigint[]) ORDER BY p.platform, p.external_id FOR SHARE OF p`;

// Only 'match' provenance makes a post part of a campaign's conversation; a post that reached the
// campaign only as the context of a match (a quoted or answered post) is not attributed.
const loadPostsSql = (wanted: string) => `
  WITH wanted AS MATERIALIZED (${wanted}),
  membership AS (
    SELECT ps.post_id, ps.campaign_id,
           (array_agg(s.settings->>'locality' ORDER BY ps.source_id) FILTER (WHERE s.settings->>'locality' IS NOT NULL))[1] AS site_locality
    FROM post_sources ps
    JOIN wanted w ON w.id = ps.post_id
    JOIN sources s ON s.id = ps.source_id
    WHERE ps.relation = 'match' AND ($2::bigint IS NULL OR ps.campaign_id = $2::bigint)
    GROUP BY ps.post_id, ps.campaign_id
  ),
  campaign_rules AS MATERIALIZED (
    SELECT c.campaign_id, ${rulesHashOf('c.campaign_id')} AS rules_hash
    FROM (SELECT DISTINCT campaign_id FROM membership) c
  )
  SELECT p.id AS post_id, m.campaign_id, r.rules_hash, p.kind, p.text, p.context, p.place,
         a.location AS author_location, m.site_locality, (p.deleted_at IS NOT NULL) AS deleted
  FROM membership m
  JOIN posts p ON p.id = m.post_id
  JOIN campaign_rules r ON r.campaign_id = m.campaign_id
  LEFT JOIN authors a ON a.id = p.author_id
  ORDER BY p.id, m.campaign_id`;

/** Reads what attributing these posts needs, once per campaign each belongs to. One query. */
export async function loadPostsForAttribution(db: Queryable, postIds: readonly number[], options: LoadPostsOptions = {}): Promise<PostToAttribute[]> {
  if (postIds.length === 0) return [];
  const sql = loadPostsSql(options.lockForShare ? WANTED_POSTS_LOCKED : WANTED_POSTS);
  const { rows } = await db.query<PostDbRow>(sql, [postIds, options.campaignId ?? null]);
  return rows.map(toPostToAttribute);
}

function toPostToAttribute(row: PostDbRow): PostToAttribute {
  return {
    postId: row.post_id,
    campaignId: row.campaign_id,
    kind: row.kind,
    deleted: row.deleted,
    rulesHash: row.rules_hash,
    input: attributionInputOf({ kind: row.kind, text: row.text, place: row.place, context: row.context, authorLocation: row.author_location, siteLocality: row.site_locality }),
  };
}

// ---- writing attributions ----------------------------------------------------------------------

/** A post and the campaign whose attribution of it is being (re)written. */
export interface AttributionScope {
  readonly postId: number;
  readonly campaignId: number;
}

/** What the rules found for one post in one campaign's locality. */
export interface ComputedAttribution extends AttributionScope {
  readonly localityId: number;
  readonly rule: AttributionRule;
  readonly matched: string;
  readonly confidence: number;
}

export interface WriteAttributionsResult {
  /** Posts whose stored attribution rows changed (added, removed or different), ascending. */
  readonly changedPostIds: number[];
  /** Scope entries left with at least one attribution (computed or overridden). */
  readonly attributed: number;
}

// One statement per batch. For every (post, campaign) in scope the stored rows become exactly the
// desired ones: the staff override when there is one (it always wins), else the computed rows;
// nothing for a tombstone. Rows that already say the same are not rewritten, so re-running a batch
// writes nothing and reports nothing changed.
const WRITE_ATTRIBUTIONS = `
  WITH scope AS MATERIALIZED (
    SELECT DISTINCT s.post_id, s.campaign_id, p.created_at AS post_created_at, (p.deleted_at IS NOT NULL) AS deleted
    FROM json_to_recordset($1::json) AS s(post_id bigint, campaign_id bigint)
    JOIN posts p ON p.id = s.post_id
  ),
  desired AS MATERIALIZED (
    SELECT DISTINCT ON (post_id, locality_id) post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence, is_override
    FROM (
      SELECT s.post_id, c.locality_id, s.campaign_id, s.post_created_at, c.rule, c.matched, c.confidence, false AS is_override
      FROM scope s
      JOIN json_to_recordset($2::json) AS c(post_id bigint, campaign_id bigint, locality_id bigint, rule text, matched text, confidence real)
        ON c.post_id = s.post_id AND c.campaign_id = s.campaign_id
      WHERE NOT s.deleted
        AND NOT EXISTS (SELECT 1 FROM attribution_overrides o WHERE o.campaign_id = s.campaign_id AND o.post_id = s.post_id)
      UNION ALL
      SELECT s.post_id, l.id, s.campaign_id, s.post_created_at, 'override', 'staff override', 1::real, true
      FROM scope s
      JOIN attribution_overrides o ON o.campaign_id = s.campaign_id AND o.post_id = s.post_id
      JOIN localities l ON l.id = ANY (o.locality_ids) AND l.campaign_id = s.campaign_id
      WHERE NOT s.deleted
    ) candidates
    ORDER BY post_id, locality_id, is_override DESC, confidence DESC
  ),
  removed AS (
    DELETE FROM locality_attributions la
    USING scope s
    WHERE la.post_id = s.post_id AND la.campaign_id = s.campaign_id
      -- NOT IN (never NULL here) becomes one hashed lookup; NOT EXISTS on the CTE was planned as a nested loop
      AND (la.post_id, la.locality_id) NOT IN (SELECT post_id, locality_id FROM desired)
    RETURNING la.post_id
  ),
  written AS (
    INSERT INTO locality_attributions AS la (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence, is_override)
    SELECT post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence, is_override
    FROM desired ORDER BY post_id, locality_id
    ON CONFLICT (post_id, locality_id) DO UPDATE SET
      campaign_id = EXCLUDED.campaign_id, post_created_at = EXCLUDED.post_created_at, rule = EXCLUDED.rule,
      matched = EXCLUDED.matched, confidence = EXCLUDED.confidence, is_override = EXCLUDED.is_override, attributed_at = now()
    WHERE (la.campaign_id, la.post_created_at, la.rule, la.matched, la.confidence, la.is_override)
          IS DISTINCT FROM (EXCLUDED.campaign_id, EXCLUDED.post_created_at, EXCLUDED.rule, EXCLUDED.matched, EXCLUDED.confidence, EXCLUDED.is_override)
    RETURNING la.post_id
  )
  SELECT
    coalesce((SELECT array_agg(post_id ORDER BY post_id) FROM (SELECT post_id FROM removed UNION SELECT post_id FROM written) changed), '{}') AS changed_post_ids,
    (SELECT count(*) FROM (SELECT DISTINCT post_id, campaign_id FROM desired) attributed)::int AS attributed`;

/**
 * Replaces the attribution of every (post, campaign) in `scope` with `computed`, staff overrides
 * applied last. Scope entries with no computed rows end up unattributed (no rows). One statement.
 */
export async function writeAttributions(db: Queryable, scope: readonly AttributionScope[], computed: readonly ComputedAttribution[]): Promise<WriteAttributionsResult> {
  if (scope.length === 0) return { changedPostIds: [], attributed: 0 };
  const scopeRows = scope.map((entry) => ({ post_id: entry.postId, campaign_id: entry.campaignId }));
  const computedRows = computed.map((row) => ({
    post_id: row.postId,
    campaign_id: row.campaignId,
    locality_id: row.localityId,
    rule: row.rule,
    matched: row.matched,
    confidence: row.confidence,
  }));
  // bigint[] arrives as strings: only the scalar int8 parser is installed (db.ts).
  const { rows } = await db.query<{ changed_post_ids: string[]; attributed: number }>(WRITE_ATTRIBUTIONS, [toPgJson(scopeRows), toPgJson(computedRows)]);
  const row = rows[0];
  return { changedPostIds: (row?.changed_post_ids ?? []).map(Number), attributed: row?.attributed ?? 0 };
}

/** What the rules found for a post stored for the first time, with the post's time for the timelines. */
export interface NewPostAttribution extends ComputedAttribution {
  readonly postCreatedAt: Date;
}

/**
 * Stores the attributions of posts this transaction inserted. A new post has no stored
 * attribution and no staff override yet, so this is a plain insert, in key order; one statement.
 */
export async function insertNewPostAttributions(db: Queryable, attributions: readonly NewPostAttribution[]): Promise<void> {
  if (attributions.length === 0) return;
  const rows = attributions
    .map((a) => ({ post_id: a.postId, locality_id: a.localityId, campaign_id: a.campaignId, post_created_at: a.postCreatedAt.toISOString(), rule: a.rule, matched: a.matched, confidence: a.confidence }))
    .sort((a, b) => a.post_id - b.post_id || a.locality_id - b.locality_id);
  await db.query(
    `INSERT INTO locality_attributions (post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence)
     SELECT post_id, locality_id, campaign_id, post_created_at, rule, matched, confidence
     FROM json_to_recordset($1::json) AS r(post_id bigint, locality_id bigint, campaign_id bigint, post_created_at timestamptz, rule text, matched text, confidence real)`,
    [toPgJson(rows)],
  );
}

// ---- reading attributions ----------------------------------------------------------------------

export interface StoredAttribution {
  readonly postId: number;
  readonly campaignId: number;
  readonly localityId: number;
  readonly locality: string;
  readonly rule: AttributionRule;
  readonly matched: string | null;
  readonly confidence: number;
  readonly isOverride: boolean;
  readonly attributedAt: Date;
}

interface StoredAttributionDbRow {
  post_id: number;
  campaign_id: number;
  locality_id: number;
  locality: string;
  rule: AttributionRule;
  matched: string | null;
  confidence: number;
  is_override: boolean;
  attributed_at: Date;
}

/** The stored attributions of these posts, by post id then locality slug. */
export async function readAttributions(db: Queryable, postIds: readonly number[]): Promise<StoredAttribution[]> {
  if (postIds.length === 0) return [];
  const { rows } = await db.query<StoredAttributionDbRow>(
    `SELECT la.post_id, la.campaign_id, la.locality_id, l.slug AS locality, la.rule, la.matched, la.confidence, la.is_override, la.attributed_at
     FROM locality_attributions la JOIN localities l ON l.id = la.locality_id
     WHERE la.post_id = ANY($1::bigint[])
     ORDER BY la.post_id, l.slug`,
    [postIds],
  );
  return rows.map((row) => ({
    postId: row.post_id,
    campaignId: row.campaign_id,
    localityId: row.locality_id,
    locality: row.locality,
    rule: row.rule,
    matched: row.matched,
    confidence: row.confidence,
    isOverride: row.is_override,
    attributedAt: row.attributed_at,
  }));
}

// ---- re-attribution walks ----------------------------------------------------------------------

export interface ReattributionState {
  readonly campaignId: number;
  /** The fingerprint every stored attribution was computed with; null until a walk first finishes. */
  readonly attributedFingerprint: string | null;
  /** The fingerprint of the walk in progress, if any. */
  readonly targetFingerprint: string | null;
  /** Where the walk in progress resumes: posts with ids above this. */
  readonly resumeAfterPostId: number;
  /** The campaign's rules digest now (see `loadCampaignRules`). */
  readonly rulesHash: string;
}

interface StateDbRow {
  campaign_id: number;
  attributed_fingerprint: string | null;
  target_fingerprint: string | null;
  resume_after_post_id: number;
  rules_hash: string;
}

const toState = (row: StateDbRow): ReattributionState => ({
  campaignId: row.campaign_id,
  attributedFingerprint: row.attributed_fingerprint,
  targetFingerprint: row.target_fingerprint,
  resumeAfterPostId: row.resume_after_post_id,
  rulesHash: row.rules_hash,
});

/**
 * The campaign's walk state, row-locked until the transaction ends, so two walks of one campaign
 * take turns batch by batch (and continue from each other's position) instead of racing.
 */
export async function lockReattributionState(db: Queryable, campaignId: number): Promise<ReattributionState> {
  // An upsert that changes nothing still locks the row, and creates it on a campaign's first walk.
  const { rows } = await db.query<StateDbRow>(
    `INSERT INTO attribution_state AS st (campaign_id) VALUES ($1)
     ON CONFLICT (campaign_id) DO UPDATE SET updated_at = st.updated_at
     RETURNING st.campaign_id, st.attributed_fingerprint, st.target_fingerprint, st.resume_after_post_id, ${rulesHashOf('st.campaign_id')} AS rules_hash`,
    [campaignId],
  );
  return toState(rows[0]!);
}

/** Starts a walk over from the first post, applying `fingerprint`. */
export async function startReattribution(db: Queryable, campaignId: number, fingerprint: string): Promise<void> {
  await db.query(
    `UPDATE attribution_state SET target_fingerprint = $2, resume_after_post_id = 0, started_at = now(), updated_at = now()
     WHERE campaign_id = $1`,
    [campaignId, fingerprint],
  );
}

/** Records how far the walk in progress has got: every post up to `resumeAfterPostId` is done. */
export async function saveReattributionProgress(db: Queryable, campaignId: number, resumeAfterPostId: number): Promise<void> {
  await db.query(`UPDATE attribution_state SET resume_after_post_id = $2, updated_at = now() WHERE campaign_id = $1`, [campaignId, resumeAfterPostId]);
}

/** Marks a walk finished: every post of the campaign is attributed with `fingerprint`. */
export async function finishReattribution(db: Queryable, campaignId: number, fingerprint: string): Promise<void> {
  await db.query(
    `UPDATE attribution_state SET attributed_fingerprint = $2, target_fingerprint = NULL, resume_after_post_id = 0,
       finished_at = now(), updated_at = now()
     WHERE campaign_id = $1`,
    [campaignId, fingerprint],
  );
}

/** The next ids of the campaign's conversation (live 'match' posts) after `afterPostId`, ascending. */
export async function nextReattributionBatch(db: Queryable, campaignId: number, afterPostId: number, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ post_id: number }>(
    `SELECT DISTINCT ps.post_id
     FROM post_sources ps JOIN posts p ON p.id = ps.post_id AND p.deleted_at IS NULL
     WHERE ps.campaign_id = $1 AND ps.relation = 'match' AND ps.post_id > $2
     ORDER BY ps.post_id LIMIT $3`,
    [campaignId, afterPostId, limit],
  );
  return rows.map((row) => row.post_id);
}

/** How many posts a walk of the campaign covers, and how many of them lie at or before `uptoPostId`. */
export async function countReattributionPosts(db: Queryable, campaignId: number, uptoPostId: number): Promise<{ total: number; done: number }> {
  const { rows } = await db.query<{ total: number; done: number }>(
    `SELECT count(DISTINCT ps.post_id)::int AS total, count(DISTINCT ps.post_id) FILTER (WHERE ps.post_id <= $2)::int AS done
     FROM post_sources ps JOIN posts p ON p.id = ps.post_id AND p.deleted_at IS NULL
     WHERE ps.campaign_id = $1 AND ps.relation = 'match'`,
    [campaignId, uptoPostId],
  );
  return rows[0] ?? { total: 0, done: 0 };
}

export interface CampaignAttributionStatus {
  readonly campaignId: number;
  readonly slug: string;
  readonly rulesHash: string;
  readonly attributedFingerprint: string | null;
  readonly targetFingerprint: string | null;
}

/** Every enabled campaign with its rules digest now and the fingerprints of its walks. One query. */
export async function listCampaignAttributionStatus(db: Queryable): Promise<CampaignAttributionStatus[]> {
  const { rows } = await db.query<{ id: number; slug: string; rules_hash: string; attributed_fingerprint: string | null; target_fingerprint: string | null }>(
    `SELECT c.id, c.slug, ${rulesHashOf('c.id')} AS rules_hash, st.attributed_fingerprint, st.target_fingerprint
     FROM campaigns c LEFT JOIN attribution_state st ON st.campaign_id = c.id
     WHERE c.enabled ORDER BY c.slug`,
  );
  return rows.map((row) => ({
    campaignId: row.id,
    slug: row.slug,
    rulesHash: row.rules_hash,
    attributedFingerprint: row.attributed_fingerprint,
    targetFingerprint: row.target_fingerprint,
  }));
}
