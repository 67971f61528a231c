import type { SourceKind } from '../config/campaign-schema.js';
import type { Queryable } from './db.js';
import { toPgJson } from './json.js';
import type { RunKind } from './runs.js';

/** Adapter-defined resume state (since_id, next_token, `after` date …), stored as JSON. */
export type SourceCursor = Record<string, unknown>;

export type SourceStatus = 'new' | 'ok' | 'failing' | 'rate-limited' | 'disabled';

export interface SourceRow {
  id: number;
  campaignId: number;
  campaignSlug: string;
  slug: string;
  kind: SourceKind;
  settings: Record<string, unknown>;
  everyMs: number;
  enabled: boolean;
  /** Where the next incremental pass starts. */
  cursor: SourceCursor;
  /** Where other kinds of pass (sweep, backfill …) resume, by run kind. */
  laneCursors: Partial<Record<RunKind, SourceCursor>>;
  status: SourceStatus;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorCode: string | null;
}

const SELECT_SOURCES = `
  SELECT s.id, s.campaign_id, c.slug AS campaign_slug, s.slug, s.kind, s.settings, s.every_ms, s.enabled, s.cursor, s.lane_cursors,
         s.status, s.last_run_at, s.last_success_at, s.last_error, s.last_error_code
  FROM sources s JOIN campaigns c ON c.id = s.campaign_id`;

interface SourceDbRow {
  id: number;
  campaign_id: number;
  campaign_slug: string;
  slug: string;
  kind: SourceKind;
  settings: Record<string, unknown>;
  every_ms: number;
  enabled: boolean;
  cursor: SourceCursor;
  lane_cursors: Partial<Record<RunKind, SourceCursor>>;
  status: SourceStatus;
  last_run_at: Date | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_code: string | null;
}

function toSource(row: SourceDbRow): SourceRow {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    campaignSlug: row.campaign_slug,
    slug: row.slug,
    kind: row.kind,
    settings: row.settings,
    everyMs: row.every_ms,
    enabled: row.enabled,
    cursor: row.cursor,
    laneCursors: row.lane_cursors,
    status: row.status,
    lastRunAt: row.last_run_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    lastErrorCode: row.last_error_code,
  };
}

export async function listSources(db: Queryable, options: { enabledOnly?: boolean } = {}): Promise<SourceRow[]> {
  const { rows } = await db.query<SourceDbRow>(`${SELECT_SOURCES} ${options.enabledOnly ? 'WHERE s.enabled AND c.enabled' : ''} ORDER BY c.slug, s.slug`);
  return rows.map(toSource);
}

export async function findSourceBySlug(db: Queryable, slug: string): Promise<SourceRow | undefined> {
  const { rows } = await db.query<SourceDbRow>(`${SELECT_SOURCES} WHERE s.slug = $1`, [slug]);
  return rows[0] ? toSource(rows[0]) : undefined;
}

/** The resume position of one kind of pass: incremental passes use the source's cursor, others their own lane. */
export function cursorForPass(source: Pick<SourceRow, 'cursor' | 'laneCursors'>, kind: RunKind): SourceCursor {
  return kind === 'incremental' ? source.cursor : (source.laneCursors[kind] ?? {});
}

/** Always call inside the transaction that stores the rows this cursor covers. */
export async function saveSourceCursor(db: Queryable, sourceId: number, cursor: SourceCursor, kind: RunKind = 'incremental'): Promise<void> {
  if (kind === 'incremental') {
    await db.query(`UPDATE sources SET cursor = $2::jsonb, cursor_updated_at = now() WHERE id = $1`, [sourceId, toPgJson(cursor)]);
  } else {
    await db.query(`UPDATE sources SET lane_cursors = jsonb_set(lane_cursors, ARRAY[$3::text], $2::jsonb) WHERE id = $1`, [sourceId, toPgJson(cursor), kind]);
  }
}

export async function markSourceSucceeded(db: Queryable, sourceId: number): Promise<void> {
  await db.query(
    `UPDATE sources SET status = 'ok', last_run_at = now(), last_success_at = now(), last_error = NULL, last_error_code = NULL WHERE id = $1`,
    [sourceId],
  );
}

/**
 * A source that cannot run at all (its stored settings are invalid): failing, with the reason, and no
 * run recorded. Every starting worker finds the same problem; only the first changes the row, so the
 * error's time stays when it was first found.
 */
export async function markSourceMisconfigured(db: Queryable, sourceId: number, problem: { code: string; message: string }): Promise<void> {
  await db.query(
    `UPDATE sources SET status = 'failing', last_error = $3, last_error_code = $2, last_error_at = now()
     WHERE id = $1 AND (status, last_error_code, last_error) IS DISTINCT FROM ('failing', $2, $3)`,
    [sourceId, problem.code, problem.message],
  );
}

export async function markSourceFailed(db: Queryable, sourceId: number, failure: { code: string; message: string; status?: 'failing' | 'rate-limited' }): Promise<void> {
  await db.query(
    `UPDATE sources SET status = $4, last_run_at = now(), last_error = $3, last_error_code = $2, last_error_at = now() WHERE id = $1`,
    [sourceId, failure.code, failure.message, failure.status ?? 'failing'],
  );
}
