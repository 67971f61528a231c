import type { PostRemoval } from '../domain/post.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { markRollupHoursDirty } from '../analytics/rollups/mark-dirty.js';
import { tombstonePosts } from './posts.js';

// X batch compliance jobs (x_compliance_jobs): one row per job, carried across runs from creation
// to purge, because X may take minutes to hours to answer. A partial unique index allows one job
// under way per campaign.

export type ComplianceJobStatus = 'creating' | 'uploaded' | 'purged' | 'failed' | 'forbidden';

export interface ComplianceJobRow {
  id: number;
  campaignId: number;
  jobId: string | null;
  status: ComplianceJobStatus;
  idsCount: number;
  purgedCount: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface ComplianceJobDbRow {
  id: number;
  campaign_id: number;
  job_id: string | null;
  status: ComplianceJobStatus;
  ids_count: number;
  purged_count: number;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

const toRow = (r: ComplianceJobDbRow): ComplianceJobRow => ({
  id: r.id,
  campaignId: r.campaign_id,
  jobId: r.job_id,
  status: r.status,
  idsCount: r.ids_count,
  purgedCount: r.purged_count,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function latestComplianceJob(db: Queryable, campaignId: number): Promise<ComplianceJobRow | undefined> {
  const { rows } = await db.query<ComplianceJobDbRow>(`SELECT * FROM x_compliance_jobs WHERE campaign_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [campaignId]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/**
 * Whether X's latest word on this campaign's batch compliance jobs was a refusal (403): then only
 * lookups can find its deleted posts (compliance rechecks in the engagement refresh). Rows that say
 * nothing about the token are passed over: one being created, and one that failed before X gave it a
 * job id (a network error, a worker that died), so such a retry does not switch rechecks off.
 */
export async function batchComplianceForbidden(db: Queryable, campaignId: number): Promise<boolean> {
  const { rows } = await db.query<{ status: ComplianceJobStatus }>(
    `SELECT status FROM x_compliance_jobs
     WHERE campaign_id = $1 AND (status IN ('forbidden', 'uploaded', 'purged') OR job_id IS NOT NULL)
     ORDER BY created_at DESC, id DESC LIMIT 1`,
    [campaignId],
  );
  return rows[0]?.status === 'forbidden';
}

/** The campaign's job under way, if any. A job stuck in 'creating' past `staleBefore` (its worker died) is marked failed first. */
export async function activeComplianceJob(db: Queryable, campaignId: number, staleBefore: Date): Promise<ComplianceJobRow | undefined> {
  await db.query(
    `UPDATE x_compliance_jobs SET status = 'failed', error = 'the worker stopped before the ids were uploaded', updated_at = now()
     WHERE campaign_id = $1 AND status = 'creating' AND created_at < $2`,
    [campaignId, staleBefore],
  );
  const { rows } = await db.query<ComplianceJobDbRow>(`SELECT * FROM x_compliance_jobs WHERE campaign_id = $1 AND status IN ('creating', 'uploaded')`, [campaignId]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

/** Starts a job row; undefined when another worker has one under way for this campaign. */
export async function beginComplianceJob(db: Queryable, campaignId: number, idsCount: number): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO x_compliance_jobs (campaign_id, status, ids_count) VALUES ($1, 'creating', $2)
     ON CONFLICT (campaign_id) WHERE status IN ('creating', 'uploaded') DO NOTHING
     RETURNING id`,
    [campaignId, idsCount],
  );
  return rows[0]?.id;
}

export async function markComplianceJobUploaded(db: Queryable, id: number, jobId: string): Promise<void> {
  await db.query(`UPDATE x_compliance_jobs SET status = 'uploaded', job_id = $2, updated_at = now() WHERE id = $1`, [id, jobId]);
}

export async function markComplianceJobEnded(db: Queryable, id: number, status: 'failed' | 'forbidden', error: string): Promise<void> {
  await db.query(`UPDATE x_compliance_jobs SET status = $2, error = $3, updated_at = now() WHERE id = $1`, [id, status, error]);
}

/** Purges what the job reported and closes it, in one transaction; returns the posts purged now. */
export async function purgeComplianceResults(pool: Pool, id: number, removals: readonly PostRemoval[]): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const purged = await tombstonePosts(tx, removals);
    await markRollupHoursDirty(tx, purged);
    await tx.query(`UPDATE x_compliance_jobs SET status = 'purged', purged_count = $2, updated_at = now() WHERE id = $1`, [id, purged.length]);
    return purged.length;
  });
}

/** External ids of a campaign's live X posts (matches and the posts they reference), newest first. */
export async function liveXPostIds(db: Queryable, campaignId: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ external_id: string }>(
    `SELECT p.external_id FROM posts p
     WHERE p.platform = 'x' AND p.deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM post_sources ps WHERE ps.post_id = p.id AND ps.campaign_id = $1)
     ORDER BY p.id DESC
     LIMIT $2`,
    [campaignId, limit],
  );
  return rows.map((r) => r.external_id);
}
