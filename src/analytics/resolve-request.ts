import type { Platform } from '../domain/post.js';
import { UNATTRIBUTED } from '../domain/launch/index.js';
import type { Queryable } from '../store/db.js';
import { ALL_LOCALITIES, ALL_SOURCES, UNATTRIBUTED_LOCALITY } from './counting-rules.js';
import { AnalyticsNotFoundError } from './errors.js';

export interface CampaignRef {
  id: number;
  slug: string;
  name: string;
  timezone: string;
}

export interface LaunchRef {
  id: number;
  slug: string;
  title: string;
  at: Date;
}

/** Request filters turned into rollup grain keys (see counting-rules.ts). */
export interface ResolvedFilters {
  localityKey: number;
  sourceKey: number;
  platform: Platform | null;
  /** As requested: a locality slug, "unattributed", or null. */
  locality: string | null;
  source: string | null;
}

export async function resolveCampaign(db: Queryable, slug: string): Promise<CampaignRef> {
  const { rows } = await db.query<CampaignRef>('SELECT id, slug, name, timezone FROM campaigns WHERE slug = $1', [slug]);
  const campaign = rows[0];
  if (!campaign) throw new AnalyticsNotFoundError('campaign', slug, 'campaign');
  return campaign;
}

export async function resolveLaunches(db: Queryable, campaign: CampaignRef, slugs: readonly string[], parameter = 'launch'): Promise<LaunchRef[]> {
  const { rows } = await db.query<LaunchRef>('SELECT id, slug, title, at FROM launches WHERE campaign_id = $1 AND slug = ANY($2::text[])', [campaign.id, slugs]);
  return slugs.map((slug) => {
    const launch = rows.find((row) => row.slug === slug);
    if (!launch) throw new AnalyticsNotFoundError(parameter, slug, `launch of campaign "${campaign.slug}"`);
    return launch;
  });
}

export async function resolveLaunch(db: Queryable, campaign: CampaignRef, slug: string): Promise<LaunchRef> {
  const [launch] = await resolveLaunches(db, campaign, [slug]);
  return launch!;
}

export async function resolveFilters(
  db: Queryable,
  campaign: CampaignRef,
  filters: { locality?: string | undefined; source?: string | undefined; platform?: Platform | undefined },
): Promise<ResolvedFilters> {
  let localityKey = ALL_LOCALITIES;
  if (filters.locality === UNATTRIBUTED) localityKey = UNATTRIBUTED_LOCALITY;
  else if (filters.locality !== undefined) {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM localities WHERE campaign_id = $1 AND slug = $2', [campaign.id, filters.locality]);
    if (!rows[0]) throw new AnalyticsNotFoundError('locality', filters.locality, `locality of campaign "${campaign.slug}"`);
    localityKey = rows[0].id;
  }
  let sourceKey = ALL_SOURCES;
  if (filters.source !== undefined) {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM sources WHERE campaign_id = $1 AND slug = $2', [campaign.id, filters.source]);
    if (!rows[0]) throw new AnalyticsNotFoundError('source', filters.source, `source of campaign "${campaign.slug}"`);
    sourceKey = rows[0].id;
  }
  return { localityKey, sourceKey, platform: filters.platform ?? null, locality: filters.locality ?? null, source: filters.source ?? null };
}

export interface GroupLabel {
  key: number | string;
  slug: string | null;
  name: string;
}

/** The campaign's localities (enabled, or named in `present`) and "unattributed", for zero-filled splits. */
export async function localityGroups(db: Queryable, campaignId: number, present: ReadonlySet<number>): Promise<GroupLabel[]> {
  const { rows } = await db.query<{ id: number; slug: string; name: string }>(
    'SELECT id, slug, name FROM localities WHERE campaign_id = $1 AND (enabled OR id = ANY($2::bigint[])) ORDER BY name, id',
    [campaignId, [...present]],
  );
  return [...rows.map((row) => ({ key: row.id, slug: row.slug, name: row.name })), { key: UNATTRIBUTED_LOCALITY, slug: null, name: 'Unattributed' }];
}

export async function sourceGroups(db: Queryable, campaignId: number, present: ReadonlySet<number>): Promise<GroupLabel[]> {
  const { rows } = await db.query<{ id: number; slug: string; kind: string }>(
    'SELECT id, slug, kind FROM sources WHERE campaign_id = $1 AND (enabled OR id = ANY($2::bigint[])) ORDER BY slug',
    [campaignId, [...present]],
  );
  return rows.map((row) => ({ key: row.id, slug: row.slug, name: `${row.slug} (${row.kind})` }));
}
