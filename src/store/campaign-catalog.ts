import type { Queryable } from './db.js';

// Read side of the campaign catalogue (campaigns, localities) for the API and the dashboard. Config
// sync (campaigns.ts) owns the writes.

export interface CampaignRecord {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  enabled: boolean;
}

export interface CampaignSummary extends Omit<CampaignRecord, 'id'> {
  localities: number;
  launches: number;
  sources: number;
}

export interface LocalityRecord {
  id: number;
  slug: string;
  name: string;
  enabled: boolean;
  hashtags: string[];
  keywords: string[];
  places: string[];
}

export async function findCampaign(db: Queryable, slug: string): Promise<CampaignRecord | undefined> {
  const { rows } = await db.query<CampaignRecord>(`SELECT id, slug, name, timezone, enabled FROM campaigns WHERE slug = $1`, [slug]);
  return rows[0];
}

/** Every campaign with how many enabled localities, launches and sources it has. */
export async function listCampaigns(db: Queryable): Promise<CampaignSummary[]> {
  const { rows } = await db.query<CampaignSummary>(
    `SELECT c.slug, c.name, c.timezone, c.enabled,
            (SELECT count(*) FROM localities l WHERE l.campaign_id = c.id AND l.enabled)::int AS localities,
            (SELECT count(*) FROM launches l WHERE l.campaign_id = c.id AND l.enabled)::int AS launches,
            (SELECT count(*) FROM sources s WHERE s.campaign_id = c.id AND s.enabled)::int AS sources
     FROM campaigns c ORDER BY c.enabled DESC, c.name, c.slug`,
  );
  return rows;
}

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export async function listLocalities(db: Queryable, campaignId: number): Promise<LocalityRecord[]> {
  const { rows } = await db.query<{ id: number; slug: string; name: string; enabled: boolean; rules: Record<string, unknown> }>(
    `SELECT id, slug, name, enabled, rules FROM localities WHERE campaign_id = $1 ORDER BY enabled DESC, name, slug`,
    [campaignId],
  );
  return rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    name: row.name,
    enabled: row.enabled,
    hashtags: asStrings(row.rules.hashtags),
    keywords: asStrings(row.rules.keywords),
    places: asStrings(row.rules.places),
  }));
}

/** Locality ids for slugs of one campaign; slugs it does not have are missing from the map. */
export async function localityIdsBySlug(db: Queryable, campaignId: number, slugs: readonly string[]): Promise<Map<string, number>> {
  if (slugs.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; slug: string }>(`SELECT id, slug FROM localities WHERE campaign_id = $1 AND slug = ANY($2::text[])`, [campaignId, slugs]);
  return new Map(rows.map((row) => [row.slug, row.id]));
}
