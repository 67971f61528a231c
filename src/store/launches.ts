import type { Queryable } from './db.js';

// Launches: config-managed ones follow the config file (campaigns.ts syncs them); staff add their
// own in the dashboard (managed_by = 'dashboard'), which config sync leaves alone. Only those may
// be edited or deleted here.

export type LaunchManager = 'config' | 'dashboard';

export interface LaunchRecord {
  id: number;
  slug: string;
  title: string;
  at: Date;
  url: string | null;
  description: string | null;
  managedBy: LaunchManager;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface LaunchDbRow {
  id: number;
  slug: string;
  title: string;
  at: Date;
  url: string | null;
  description: string | null;
  managed_by: LaunchManager;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const LAUNCH_COLUMNS = 'id, slug, title, at, url, description, managed_by, enabled, created_at, updated_at';

const toLaunch = (row: LaunchDbRow): LaunchRecord => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  at: row.at,
  url: row.url,
  description: row.description,
  managedBy: row.managed_by,
  enabled: row.enabled,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function listLaunches(db: Queryable, campaignId: number): Promise<LaunchRecord[]> {
  const { rows } = await db.query<LaunchDbRow>(`SELECT ${LAUNCH_COLUMNS} FROM launches WHERE campaign_id = $1 ORDER BY at, slug`, [campaignId]);
  return rows.map(toLaunch);
}

export async function findLaunch(db: Queryable, campaignId: number, slug: string): Promise<LaunchRecord | undefined> {
  const { rows } = await db.query<LaunchDbRow>(`SELECT ${LAUNCH_COLUMNS} FROM launches WHERE campaign_id = $1 AND slug = $2`, [campaignId, slug]);
  return rows[0] ? toLaunch(rows[0]) : undefined;
}

export interface NewLaunch {
  slug: string;
  title: string;
  at: Date;
  url?: string | null;
  description?: string | null;
}

/** Adds a dashboard-managed launch; undefined when the campaign already has that slug. */
export async function createDashboardLaunch(db: Queryable, campaignId: number, launch: NewLaunch): Promise<LaunchRecord | undefined> {
  const { rows } = await db.query<LaunchDbRow>(
    `INSERT INTO launches (campaign_id, slug, title, at, url, description, managed_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'dashboard')
     ON CONFLICT (campaign_id, slug) DO NOTHING
     RETURNING ${LAUNCH_COLUMNS}`,
    [campaignId, launch.slug, launch.title, launch.at, launch.url ?? null, launch.description ?? null],
  );
  return rows[0] ? toLaunch(rows[0]) : undefined;
}

export interface LaunchChanges {
  title?: string;
  at?: Date;
  /** null clears it. */
  url?: string | null;
  description?: string | null;
  enabled?: boolean;
}

/** Edits a dashboard-managed launch; undefined when there is none with that slug (config ones are not touched). */
export async function updateDashboardLaunch(db: Queryable, campaignId: number, slug: string, changes: LaunchChanges): Promise<LaunchRecord | undefined> {
  const { rows } = await db.query<LaunchDbRow>(
    `UPDATE launches SET
       title = COALESCE($3, title),
       at = COALESCE($4, at),
       url = CASE WHEN $5::boolean THEN $6 ELSE url END,
       description = CASE WHEN $7::boolean THEN $8 ELSE description END,
       enabled = COALESCE($9, enabled),
       updated_at = now()
     WHERE campaign_id = $1 AND slug = $2 AND managed_by = 'dashboard'
     RETURNING ${LAUNCH_COLUMNS}`,
    [
      campaignId,
      slug,
      changes.title ?? null,
      changes.at ?? null,
      changes.url !== undefined,
      changes.url ?? null,
      changes.description !== undefined,
      changes.description ?? null,
      changes.enabled ?? null,
    ],
  );
  return rows[0] ? toLaunch(rows[0]) : undefined;
}

/** Deletes a dashboard-managed launch; false when there is none with that slug. */
export async function deleteDashboardLaunch(db: Queryable, campaignId: number, slug: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM launches WHERE campaign_id = $1 AND slug = $2 AND managed_by = 'dashboard'`, [campaignId, slug]);
  return (rowCount ?? 0) > 0;
}
