import type { CampaignConfig, SourceConfig } from '../config/campaign-schema.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { toPgJson } from './json.js';

// Config sync: the config file is the source of truth for campaigns, localities, config-managed
// launches and sources. What is new is added, what changed is updated, what disappeared is
// disabled. Nothing is ever deleted, so posts collected through a removed source stay.

export interface SyncCounts {
  added: number;
  updated: number;
  disabled: number;
}

export interface SyncSummary {
  campaigns: SyncCounts;
  localities: SyncCounts;
  launches: SyncCounts;
  sources: SyncCounts;
}

const SYNC_LOCK_KEY = 7_461_233_902;
const zero = (): SyncCounts => ({ added: 0, updated: 0, disabled: 0 });

/** Upsert guarded by IS DISTINCT FROM: returns 'added', 'updated' or undefined when nothing changed. */
async function upsertReturningChange(db: Queryable, sql: string, values: unknown[]): Promise<'added' | 'updated' | undefined> {
  const { rows } = await db.query<{ inserted: boolean }>(sql, values);
  if (rows.length === 0) return undefined;
  return rows[0]?.inserted ? 'added' : 'updated';
}

function count(counts: SyncCounts, change: 'added' | 'updated' | undefined): void {
  if (change) counts[change] += 1;
}

/** The kind-specific part of a source's config, stored as its settings. */
/** The settings that say which stream a source reads; when they change, its cursors no longer apply. */
const STREAM_CHANGED = `(s.kind, s.settings->'query', s.settings->'url') IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.settings->'query', EXCLUDED.settings->'url')`;

export function sourceSettings(source: SourceConfig): Record<string, unknown> {
  const { slug: _slug, kind: _kind, every: _every, enabled: _enabled, ...settings } = source;
  return settings;
}

export async function syncConfig(pool: Pool, campaigns: readonly CampaignConfig[]): Promise<SyncSummary> {
  return withTransaction(pool, async (tx) => {
    // Two processes starting together (web and worker) sync one after the other, not interleaved.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK_KEY]);
    const summary: SyncSummary = { campaigns: zero(), localities: zero(), launches: zero(), sources: zero() };

    for (const campaign of campaigns) {
      count(
        summary.campaigns,
        await upsertReturningChange(
          tx,
          `INSERT INTO campaigns AS c (slug, name, timezone, enabled) VALUES ($1, $2, $3, true)
           ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone, enabled = true, updated_at = now()
           WHERE (c.name, c.timezone, c.enabled) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.timezone, true)
           RETURNING (xmax = 0) AS inserted`,
          [campaign.slug, campaign.name, campaign.timezone],
        ),
      );
      const { rows } = await tx.query<{ id: number }>('SELECT id FROM campaigns WHERE slug = $1', [campaign.slug]);
      const campaignId = rows[0]!.id;

      for (const locality of campaign.localities) {
        const rules = { hashtags: locality.hashtags, keywords: locality.keywords, places: locality.places };
        count(
          summary.localities,
          await upsertReturningChange(
            tx,
            `INSERT INTO localities AS l (campaign_id, slug, name, rules, enabled) VALUES ($1, $2, $3, $4::jsonb, true)
             ON CONFLICT (campaign_id, slug) DO UPDATE SET name = EXCLUDED.name, rules = EXCLUDED.rules, enabled = true, updated_at = now()
             WHERE (l.name, l.rules, l.enabled) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.rules, true)
             RETURNING (xmax = 0) AS inserted`,
            [campaignId, locality.slug, locality.name, toPgJson(rules)],
          ),
        );
      }
      summary.localities.disabled += await disableMissing(tx, 'localities', campaignId, campaign.localities.map((l) => l.slug));

      for (const launch of campaign.launches) {
        count(
          summary.launches,
          await upsertReturningChange(
            tx,
            `INSERT INTO launches AS l (campaign_id, slug, title, at, url, description, managed_by, enabled)
             VALUES ($1, $2, $3, $4, $5, $6, 'config', true)
             ON CONFLICT (campaign_id, slug) DO UPDATE SET title = EXCLUDED.title, at = EXCLUDED.at, url = EXCLUDED.url,
               description = EXCLUDED.description, managed_by = 'config', enabled = true, updated_at = now()
             WHERE (l.title, l.at, l.url, l.description, l.managed_by, l.enabled)
                   IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.at, EXCLUDED.url, EXCLUDED.description, 'config', true)
             RETURNING (xmax = 0) AS inserted`,
            [campaignId, launch.slug, launch.title, launch.at, launch.url ?? null, launch.description ?? null],
          ),
        );
      }
      // Launches that staff added in the dashboard are theirs; only config-managed ones follow the file.
      summary.launches.disabled += await disableMissing(tx, 'launches', campaignId, campaign.launches.map((l) => l.slug), `AND managed_by = 'config'`);

      for (const source of campaign.sources) {
        // A changed query or URL restarts the source from scratch: its old cursor describes another
        // stream. Other settings (politeness, sweep, locality) keep the cursor.
        count(
          summary.sources,
          await upsertReturningChange(
            tx,
            `INSERT INTO sources AS s (campaign_id, slug, kind, settings, every_ms, enabled, status)
             VALUES ($1, $2, $3, $4::jsonb, $5, $6, CASE WHEN $6 THEN 'new' ELSE 'disabled' END)
             ON CONFLICT (slug) DO UPDATE SET
               campaign_id = EXCLUDED.campaign_id, kind = EXCLUDED.kind, settings = EXCLUDED.settings,
               every_ms = EXCLUDED.every_ms, enabled = EXCLUDED.enabled,
               cursor = CASE WHEN ${STREAM_CHANGED} THEN '{}'::jsonb ELSE s.cursor END,
               lane_cursors = CASE WHEN ${STREAM_CHANGED} THEN '{}'::jsonb ELSE s.lane_cursors END,
               status = CASE WHEN NOT EXCLUDED.enabled THEN 'disabled' WHEN s.status = 'disabled' THEN 'new' ELSE s.status END,
               updated_at = now()
             WHERE (s.campaign_id, s.kind, s.settings, s.every_ms, s.enabled)
                   IS DISTINCT FROM (EXCLUDED.campaign_id, EXCLUDED.kind, EXCLUDED.settings, EXCLUDED.every_ms, EXCLUDED.enabled)
             RETURNING (xmax = 0) AS inserted`,
            [campaignId, source.slug, source.kind, toPgJson(sourceSettings(source)), source.every, source.enabled],
          ),
        );
      }
      summary.sources.disabled += await disableMissing(tx, 'sources', campaignId, campaign.sources.map((s) => s.slug), '', `, status = 'disabled'`);
    }

    const { rowCount } = await tx.query(`UPDATE campaigns SET enabled = false, updated_at = now() WHERE enabled AND NOT (slug = ANY($1::text[]))`, [
      campaigns.map((c) => c.slug),
    ]);
    summary.campaigns.disabled += rowCount ?? 0;
    // A campaign removed from the file takes its sources with it (disabled, data kept).
    const orphaned = await tx.query(
      `UPDATE sources s SET enabled = false, status = 'disabled', updated_at = now()
       FROM campaigns c WHERE c.id = s.campaign_id AND NOT c.enabled AND s.enabled`,
    );
    summary.sources.disabled += orphaned.rowCount ?? 0;
    return summary;
  });
}

async function disableMissing(
  tx: Queryable,
  table: 'localities' | 'launches' | 'sources',
  campaignId: number,
  keep: string[],
  extraCondition = '',
  extraSet = '',
): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE ${table} SET enabled = false${extraSet}, updated_at = now()
     WHERE campaign_id = $1 AND enabled AND NOT (slug = ANY($2::text[])) ${extraCondition}`,
    [campaignId, keep],
  );
  return rowCount ?? 0;
}

export function describeSync(summary: SyncSummary): string {
  return (Object.entries(summary) as [string, SyncCounts][])
    .map(([what, c]) => `${what} +${c.added} ~${c.updated} -${c.disabled}`)
    .join(', ');
}
