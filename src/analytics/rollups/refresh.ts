import { performance } from 'node:perf_hooks';
import { withTransaction, type Pool, type Queryable } from '../../store/db.js';
import { utcHour } from '../counting-rules.js';
import { hoursAffectedBy, recomputeAccrualHours, recomputeEngagementHours, recomputeRollupHours, type CampaignHours } from './recompute.js';

// One refresher per campaign at a time, under a transaction-scoped advisory lock: a refresh reads
// raw data with the snapshot of its own statements, so two refreshers of one campaign could
// otherwise commit in the opposite order to their snapshots and leave the older answer behind.
// Refreshers of different campaigns run in parallel; one that finds a campaign locked moves on.
const ROLLUP_LOCK_CLASS = 746_123;

export interface RefreshOptions {
  /** Dirty hours claimed per transaction (a backfill can mark thousands); default 720. */
  hoursPerTransaction?: number;
}

export interface RefreshResult {
  /** Distinct (campaign, hour) marks claimed and refreshed. */
  hours: number;
  /** (campaign, hour) slices of the hourly rollups recomputed (a 'members' mark reaches 23 hours ahead). */
  recomputedHours: number;
  /** Campaigns left to another refresher that held their lock. */
  skippedCampaigns: number[];
  ms: number;
}

// For these transactions only: the recompute sorts a few rows per post (grains × authors), which the
// default 4 MB would spill to disk for a rebuild's month-sized chunks; and its plans are index walks
// that JIT compilation (set off by pessimistic cost estimates) only slows down.
const RECOMPUTE_SETTINGS = `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`;

const CAMPAIGNS_WITH_MARKS = `SELECT DISTINCT campaign_id FROM analytics_rollup_dirty_hours ORDER BY campaign_id`;

// The claim is the first statement after the locks; the recompute statements run later, so their
// snapshots see every change whose mark was claimed (a mark commits with its change).
const CLAIM_MARKS = `
  WITH chosen AS (
    SELECT DISTINCT campaign_id, hour FROM analytics_rollup_dirty_hours
    WHERE campaign_id = ANY($1::bigint[]) ORDER BY campaign_id, hour LIMIT $2
  )
  DELETE FROM analytics_rollup_dirty_hours d USING chosen
  WHERE d.campaign_id = chosen.campaign_id AND d.hour = chosen.hour
  RETURNING d.campaign_id, d.hour, d.scope`;

type MarkScope = 'members' | 'engagement' | 'accrual';

interface Mark {
  campaign_id: number;
  hour: Date;
  scope: MarkScope;
}

async function tryLockCampaign(tx: Queryable, campaignId: number): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2::integer) AS locked', [ROLLUP_LOCK_CLASS, campaignId]);
  return rows[0]?.locked === true;
}

/** Distinct hours per campaign, in order. */
function byCampaign(marks: readonly { campaign_id: number; hour: Date }[]): CampaignHours[] {
  const hours = new Map<number, Set<number>>();
  for (const mark of marks) {
    const set = hours.get(mark.campaign_id) ?? new Set<number>();
    set.add(mark.hour.getTime());
    hours.set(mark.campaign_id, set);
  }
  return [...hours].map(([campaignId, set]) => ({ campaignId, hours: [...set].sort((a, b) => a - b).map((time) => new Date(time)) }));
}

/** What a set of claimed marks asks for: each hour's widest scope wins. */
function planRefresh(marks: readonly Mark[]): { members: CampaignHours[]; engagement: CampaignHours[]; accrual: CampaignHours[] } {
  const key = (mark: Mark) => `${mark.campaign_id}:${mark.hour.getTime()}`;
  const members = new Set(marks.filter((mark) => mark.scope === 'members').map(key));
  const engagement = marks.filter((mark) => mark.scope === 'engagement' && !members.has(key(mark)));
  return {
    members: byCampaign(marks.filter((mark) => mark.scope === 'members')).map((target) => ({ ...target, hours: hoursAffectedBy(target.hours) })),
    engagement: byCampaign(engagement),
    // Every scope includes the accrual of its own hour.
    accrual: byCampaign(marks),
  };
}

const countHours = (targets: readonly CampaignHours[]) => targets.reduce((sum, target) => sum + target.hours.length, 0);

/**
 * Recomputes the rollup hours marked dirty since the last refresh, from raw data, and nothing else:
 * all the campaigns this caller can lock in one transaction, so posts shared by campaigns and hours
 * are read once. Idempotent, and safe to run from several workers at once. Returns when no marks
 * are left that this caller could take (a campaign another refresher holds is left to it).
 */
export async function refreshDirtyRollups(pool: Pool, options: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const limit = options.hoursPerTransaction ?? 720;
  const skipped = new Set<number>();
  let hours = 0;
  let recomputedHours = 0;
  for (;;) {
    const { rows } = await pool.query<{ campaign_id: number }>(CAMPAIGNS_WITH_MARKS);
    const campaigns = rows.map((row) => row.campaign_id).filter((id) => !skipped.has(id));
    if (campaigns.length === 0) break;
    const claimed = await withTransaction(pool, async (tx) => {
      const locked: number[] = [];
      for (const campaignId of campaigns) {
        if (await tryLockCampaign(tx, campaignId)) locked.push(campaignId);
        else skipped.add(campaignId);
      }
      if (locked.length === 0) return 0;
      const { rows: marks } = await tx.query<Mark>(CLAIM_MARKS, [locked, limit]);
      if (marks.length === 0) return 0;
      await tx.query(RECOMPUTE_SETTINGS);
      const plan = planRefresh(marks);
      await recomputeRollupHours(tx, plan.members);
      await recomputeEngagementHours(tx, plan.engagement);
      await recomputeAccrualHours(tx, plan.accrual);
      recomputedHours += countHours(plan.members) + countHours(plan.engagement);
      const claimedHours = countHours(plan.accrual);
      hours += claimedHours;
      return claimedHours;
    });
    if (claimed === 0) break;
  }
  return { hours, recomputedHours, skippedCampaigns: [...skipped], ms: performance.now() - started };
}

const CAMPAIGN_IDS = `SELECT id FROM campaigns WHERE ($1::bigint IS NULL OR id = $1) ORDER BY id`;

// The hours campaigns have rows in: hours their posts were made (rollups) and, for accrual, also the
// hours their snapshots were taken.
const CAMPAIGN_HOURS = `
  SELECT campaign_id, hour, bool_or(made) AS made
  FROM (SELECT ps.campaign_id, ${utcHour('p.created_at')} AS hour, true AS made
        FROM post_sources ps JOIN posts p ON p.id = ps.post_id
        WHERE ps.campaign_id = ANY($1::bigint[]) AND ps.relation = 'match'
        UNION ALL
        SELECT ps.campaign_id, ${utcHour('s.captured_at')}, false
        FROM post_sources ps JOIN engagement_snapshots s ON s.post_id = ps.post_id
        WHERE ps.campaign_id = ANY($1::bigint[]) AND ps.relation = 'match') hours
  GROUP BY campaign_id, hour
  ORDER BY hour, campaign_id`;

const REBUILD_CHUNK_HOURS = 24 * 30;

/** Consecutive slices of rows holding at most `size` distinct hours each, as targets per campaign. */
function chunksByHour(rows: readonly { campaign_id: number; hour: Date }[], size: number): CampaignHours[][] {
  const chunks: CampaignHours[][] = [];
  let current: { campaign_id: number; hour: Date }[] = [];
  let distinct = 0;
  let lastHour = Number.NaN;
  for (const row of rows) {
    if (row.hour.getTime() !== lastHour) {
      if (distinct === size) {
        chunks.push(byCampaign(current));
        current = [];
        distinct = 0;
      }
      distinct += 1;
      lastHour = row.hour.getTime();
    }
    current.push(row);
  }
  if (current.length > 0) chunks.push(byCampaign(current));
  return chunks;
}

/**
 * Recomputes every rollup hour of one campaign (or of all), from raw data, in one transaction:
 * readers see the old rollups until the new ones commit. Waits for refreshers holding the
 * campaigns. Marks pending for them are consumed.
 */
export async function rebuildRollups(pool: Pool, campaignId?: number): Promise<RefreshResult> {
  const started = performance.now();
  const { rows: campaigns } = await pool.query<{ id: number }>(CAMPAIGN_IDS, [campaignId ?? null]);
  const ids = campaigns.map((campaign) => campaign.id);
  let hours = 0;
  await withTransaction(pool, async (tx) => {
    // In id order, like every other taker of these locks that waits, so two rebuilds cannot deadlock.
    for (const id of ids) await tx.query('SELECT pg_advisory_xact_lock($1, $2::integer)', [ROLLUP_LOCK_CLASS, id]);
    await tx.query(RECOMPUTE_SETTINGS);
    for (const table of ['analytics_rollup_dirty_hours', 'analytics_hourly_rollups', 'analytics_hourly_accrual']) {
      await tx.query(`DELETE FROM ${table} WHERE campaign_id = ANY($1::bigint[])`, [ids]);
    }
    const { rows } = await tx.query<{ campaign_id: number; hour: Date; made: boolean }>(CAMPAIGN_HOURS, [ids]);
    for (const chunk of chunksByHour(rows.filter((row) => row.made), REBUILD_CHUNK_HOURS)) await recomputeRollupHours(tx, chunk, { replace: false });
    for (const chunk of chunksByHour(rows, REBUILD_CHUNK_HOURS)) await recomputeAccrualHours(tx, chunk, { replace: false });
    hours = rows.length;
  });
  return { hours, recomputedHours: hours, skippedCampaigns: [], ms: performance.now() - started };
}
