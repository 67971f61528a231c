import type pg from 'pg';
import { expect } from 'vitest';
import type { Queryable } from '../../src/store/db.js';
import { SITE_SOURCE, X_SOURCE, type CampaignFakes, type CommentTruth, type XTruth } from './campaign-fakes.js';

// What the database holds, compared with what the fakes say is true. Three checks:
//  - exact ground truth: every matching X post and every public comment stored once, nothing else,
//    cursors at the newest post and the last comment date, no tombstones, every post with its
//    engagement snapshot (written by the same statement);
//  - cursor coverage, which must hold at every instant, crash or not: whatever a source's cursor
//    says has been read is stored (a page's rows and its cursor commit together);
//  - the run ledger: a run left 'running' by a killed process is closed when a later run of the same
//    source and kind starts.

export interface StoredState {
  xMatches: string[];
  comments: string[];
  xCursor: Record<string, unknown>;
  siteCursor: Record<string, unknown>;
}

/** One consistent snapshot (REPEATABLE READ) of what the two sources have stored and their cursors. */
export async function readStoredState(pool: pg.Pool): Promise<StoredState> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const state = await readState(client);
    await client.query('COMMIT');
    return state;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function readState(db: Queryable): Promise<StoredState> {
  const matches = async (slug: string, platform: string) =>
    (
      await db.query<{ external_id: string }>(
        `SELECT p.external_id FROM posts p JOIN post_sources ps ON ps.post_id = p.id JOIN sources s ON s.id = ps.source_id
         WHERE s.slug = $1 AND p.platform = $2 AND ps.relation = 'match'`,
        [slug, platform],
      )
    ).rows.map((r) => r.external_id);
  const cursors = await db.query<{ slug: string; cursor: Record<string, unknown> }>(`SELECT slug, cursor FROM sources WHERE slug = ANY($1)`, [[X_SOURCE, SITE_SOURCE]]);
  const cursorOf = (slug: string) => cursors.rows.find((r) => r.slug === slug)?.cursor ?? {};
  return { xMatches: await matches(X_SOURCE, 'x'), comments: await matches(SITE_SOURCE, 'site'), xCursor: cursorOf(X_SOURCE), siteCursor: cursorOf(SITE_SOURCE) };
}

/** True when the stored posts, comments and cursors are exactly the fakes' ground truth. */
export function matchesTruth(state: StoredState, x: XTruth, comments: CommentTruth): boolean {
  const sameSet = (list: string[], truth: Set<string>) => list.length === truth.size && list.every((id) => truth.has(id));
  return (
    sameSet(state.xMatches, x.ids) &&
    sameSet(state.comments, comments.ids) &&
    JSON.stringify(state.xCursor) === JSON.stringify({ sinceId: x.newestId }) &&
    JSON.stringify(state.siteCursor) === JSON.stringify({ after: comments.after })
  );
}

/** Asserts the exact ground truth, with readable differences when it does not hold. */
export async function expectGroundTruth(pool: pg.Pool, fakes: CampaignFakes): Promise<{ xPosts: number; comments: number }> {
  const state = await readStoredState(pool);
  const x = fakes.xTruth();
  const comments = fakes.commentTruth();
  const duplicates = (list: string[]) => {
    const seen = new Set<string>();
    return list.filter((id) => seen.has(id) || !seen.add(id));
  };
  const storedX = new Set(state.xMatches);
  const storedComments = new Set(state.comments);
  expect(duplicates(state.xMatches), 'X posts stored twice').toEqual([]);
  expect(duplicates(state.comments), 'comments stored twice').toEqual([]);
  expect(state.xMatches.filter((id) => !x.ids.has(id)), 'X posts stored that X does not have').toEqual([]);
  expect([...x.ids].filter((id) => !storedX.has(id)), 'X posts missing').toEqual([]);
  expect(state.comments.filter((id) => !comments.ids.has(id)), 'comments stored that are not public on the blog').toEqual([]);
  expect([...comments.ids].filter((id) => !storedComments.has(id)), 'comments missing').toEqual([]);
  expect(state.xCursor, 'X cursor').toEqual({ sinceId: x.newestId });
  expect(state.siteCursor, 'blog cursor').toEqual({ after: comments.after });

  const integrity = await pool.query<{ tombstones: number; without_snapshot: number; without_author: number }>(
    `SELECT (SELECT count(*)::int FROM posts WHERE deleted_at IS NOT NULL) AS tombstones,
            (SELECT count(*)::int FROM posts p WHERE NOT EXISTS (SELECT 1 FROM engagement_snapshots e WHERE e.post_id = p.id)) AS without_snapshot,
            (SELECT count(*)::int FROM posts p WHERE p.author_id IS NULL) AS without_author`,
  );
  expect(integrity.rows[0], 'no post purged, every post with its first engagement snapshot and its author').toEqual({ tombstones: 0, without_snapshot: 0, without_author: 0 });
  return { xPosts: x.ids.size, comments: comments.ids.size };
}

const decodeXToken = (token: string): { a?: string } => {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { a?: string };
  } catch {
    return {};
  }
};

/**
 * What the cursors claim has been read but is not stored: must be empty at every instant. A
 * completed X pass claims every matching post up to its since_id; a pass under way also claims the
 * pages it has walked (newest first, down to the last id served). A completed blog pass claims every
 * comment up to its date; a pass under way also claims its pages before the next one.
 */
export function uncoveredClaims(state: StoredState, x: XTruth, comments: CommentTruth): string[] {
  const storedX = new Set(state.xMatches);
  const storedComments = new Set(state.comments);
  const missing: string[] = [];

  const xCursor = state.xCursor as { sinceId?: string; pass?: { sinceId?: string; newestId?: string; nextToken: string } };
  const below = (limit: string | undefined) => (id: string) => limit !== undefined && BigInt(id) <= BigInt(limit);
  for (const id of x.sorted.filter(below(xCursor.sinceId))) if (!storedX.has(id)) missing.push(`x ${id} (at or below since_id ${xCursor.sinceId})`);
  if (xCursor.pass) {
    const lastServed = decodeXToken(xCursor.pass.nextToken).a;
    const floor = xCursor.pass.sinceId;
    for (const id of x.sorted) {
      const walked = lastServed !== undefined && BigInt(id) >= BigInt(lastServed) && (xCursor.pass.newestId === undefined || BigInt(id) <= BigInt(xCursor.pass.newestId));
      if (walked && (floor === undefined || BigInt(id) > BigInt(floor)) && !storedX.has(id)) missing.push(`x ${id} (on a page the pass has walked)`);
    }
  }

  const siteCursor = state.siteCursor as { after?: string; pass?: { after?: string; page: number } };
  if (siteCursor.after !== undefined) {
    for (const c of comments.sorted) if (c.at <= siteCursor.after && !storedComments.has(c.externalId)) missing.push(`comment ${c.externalId} (dated at or before ${siteCursor.after})`);
  }
  if (siteCursor.pass) {
    const after = siteCursor.pass.after;
    const read = comments.sorted.filter((c) => after === undefined || c.at > after).slice(0, (siteCursor.pass.page - 1) * 100);
    for (const c of read) if (!storedComments.has(c.externalId)) missing.push(`comment ${c.externalId} (on a page before page ${siteCursor.pass.page})`);
  }
  return missing;
}

export interface LedgerRun {
  id: number;
  source: string;
  kind: string;
  status: string;
  error_code: string | null;
}

export async function runLedger(pool: pg.Pool): Promise<LedgerRun[]> {
  const { rows } = await pool.query<LedgerRun>(`SELECT r.id, s.slug AS source, r.kind, r.status, r.error_code FROM ingestion_runs r JOIN sources s ON s.id = r.source_id ORDER BY r.id`);
  return rows;
}

/** Runs still marked running although a later run of the same source and kind has started. */
export function runsLeftRunning(runs: readonly LedgerRun[]): LedgerRun[] {
  return runs.filter((run) => run.status === 'running' && runs.some((later) => later.id > run.id && later.source === run.source && later.kind === run.kind));
}
