import { createHash } from 'node:crypto';
import { QuerySyntaxError, compileQuery, type MatchableTweet } from '../query.js';
import { clientForbidden, type InvalidParameter } from '../problems.js';
import { FIELD_PARAMETERS, parseFieldSelection, renderTweets, tweetsBody } from '../render.js';
import {
  HttpProblem,
  parseEnum,
  parseId,
  parseIntegerInRange,
  parseTime,
  rejectUnknownParameters,
  throwIfInvalid,
} from '../params.js';
import type { ScanBounds } from '../world.js';
import type { HandlerContext, HandlerResult } from './context.js';

// Recent and full-archive search. Pages are cut from a fixed snapshot of bounds: the next_token
// carries the first page's since/start/end bounds and the last id served, so posts that arrive
// between page requests never shift or duplicate later pages.

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
/** X serves nothing newer than this by default, and refuses an end_time closer to now than 10 s. */
export const DEFAULT_END_LAG_MS = 30_000;
const MIN_END_LAG_MS = 10_000;
/** The earliest post full-archive search reaches. */
const ARCHIVE_START_MS = Date.parse('2006-03-21T00:00:00.000Z');

const SEARCH_PARAMETERS = [
  'query', 'start_time', 'end_time', 'since_id', 'until_id', 'max_results', 'next_token', 'pagination_token',
  'sort_order', ...FIELD_PARAMETERS,
];

interface PageCursor {
  v: 1;
  /** Fingerprint of endpoint and query: a token only continues the search that made it. */
  f: string;
  /** Last id served: the next page starts below it. */
  a: string;
  s?: string;
  u?: string;
  st: number;
  et: number;
}

function fingerprint(endpoint: string, query: string): string {
  return createHash('sha256').update(`${endpoint}\n${query}`).digest('base64url').slice(0, 16);
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): PageCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const c = parsed as Partial<PageCursor>;
    if (c.v !== 1 || typeof c.f !== 'string' || typeof c.a !== 'string' || !/^\d{1,19}$/u.test(c.a)) return undefined;
    if (typeof c.st !== 'number' || typeof c.et !== 'number') return undefined;
    if (c.s !== undefined && !/^\d{1,19}$/u.test(c.s)) return undefined;
    if (c.u !== undefined && !/^\d{1,19}$/u.test(c.u)) return undefined;
    return c as PageCursor;
  } catch {
    return undefined;
  }
}

export interface ParsedSearchQuery {
  text: string;
  matches: (tweet: MatchableTweet) => boolean;
}

/** Validates `query` (presence, length, syntax) and records problems in X's wording. */
export function parseSearchQuery(ctx: HandlerContext, issues: InvalidParameter[]): ParsedSearchQuery | undefined {
  const text = ctx.query.get('query');
  if (text === null || text.trim() === '') {
    issues.push({ parameter: 'query', value: text ?? '', message: 'The `query` query parameter can not be empty' });
    return undefined;
  }
  if (text.length > ctx.maxQueryLength) {
    issues.push({
      parameter: 'query',
      value: text,
      message: `There were errors processing your request: Query length (${text.length}) exceeds the maximum of ${ctx.maxQueryLength} characters`,
    });
    return undefined;
  }
  try {
    return { text, matches: compileQuery(text) };
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    issues.push({ parameter: 'query', value: text, message: `There were errors processing your request: ${error.message}` });
    return undefined;
  }
}

/** start/end bounds with X's defaults and rules for the recent (7-day) or full-archive index. */
export function resolveTimeWindow(
  ctx: HandlerContext,
  archive: 'recent' | 'all',
  defaultSpanMs: number,
  issues: InvalidParameter[],
): { startMs: number; endMs: number } {
  const nowMs = ctx.now().getTime();
  const start = parseTime(ctx.query, 'start_time', issues);
  const end = parseTime(ctx.query, 'end_time', issues);
  const earliest = archive === 'recent' ? nowMs - SEVEN_DAYS_MS : ARCHIVE_START_MS;
  const endMs = end ?? nowMs - DEFAULT_END_LAG_MS;
  const startMs = start ?? Math.max(earliest, endMs - defaultSpanMs);
  if (start !== undefined && start < earliest) {
    issues.push({
      parameter: 'start_time',
      value: ctx.query.get('start_time') ?? '',
      message: `Invalid 'start_time':'${ctx.query.get('start_time')}'. 'start_time' must be on or after ${new Date(earliest).toISOString()}`,
    });
  }
  if (end !== undefined && end > nowMs - MIN_END_LAG_MS) {
    issues.push({
      parameter: 'end_time',
      value: ctx.query.get('end_time') ?? '',
      message: `Invalid 'end_time':'${ctx.query.get('end_time')}'. 'end_time' must be a minimum of 10 seconds prior to the request time.`,
    });
  }
  if (start !== undefined && end !== undefined && start >= end) {
    issues.push({
      parameter: 'start_time',
      value: ctx.query.get('start_time') ?? '',
      message: `Invalid 'start_time':'${ctx.query.get('start_time')}'. 'start_time' must be before 'end_time'`,
    });
  }
  return { startMs, endMs };
}

export function searchTweets(ctx: HandlerContext, archive: 'recent' | 'all'): HandlerResult {
  if (archive === 'all' && !ctx.fullArchiveAccess) throw new HttpProblem(403, clientForbidden());
  const issues: InvalidParameter[] = [];
  rejectUnknownParameters(ctx.query, SEARCH_PARAMETERS, issues);
  const parsed = parseSearchQuery(ctx, issues);
  const sinceId = parseId(ctx.query, 'since_id', issues);
  const untilId = parseId(ctx.query, 'until_id', issues);
  const maxResults = parseIntegerInRange(ctx.query, 'max_results', 10, archive === 'recent' ? 100 : 500, 10, issues);
  parseEnum(ctx.query, 'sort_order', ['recency', 'relevancy'], 'recency', issues);
  const selection = parseFieldSelection(ctx.query, issues);
  const token = ctx.query.get('next_token') ?? ctx.query.get('pagination_token');
  const window = resolveTimeWindow(ctx, archive, archive === 'recent' ? SEVEN_DAYS_MS : 30 * 24 * 60 * 60 * 1000, issues);

  let cursor: PageCursor | undefined;
  if (token !== null && parsed) {
    cursor = decodeCursor(token);
    if (!cursor || cursor.f !== fingerprint(ctx.endpoint, parsed.text)) {
      const name = ctx.query.has('next_token') ? 'next_token' : 'pagination_token';
      issues.push({ parameter: name, value: token, message: `The \`${name}\` query parameter value [${token}] is not valid for this request` });
    }
  }
  throwIfInvalid(issues);
  const query = parsed as ParsedSearchQuery;

  // Continuation pages keep the first page's bounds; only the position moves.
  const bounds: ScanBounds = cursor
    ? {
        ...(cursor.s !== undefined ? { sinceId: BigInt(cursor.s) } : {}),
        untilId: BigInt(cursor.a),
        startMs: cursor.st,
        endMs: cursor.et,
      }
    : {
        ...(sinceId !== undefined ? { sinceId } : {}),
        ...(untilId !== undefined ? { untilId } : {}),
        startMs: window.startMs,
        endMs: window.endMs,
      };
  if (cursor?.u !== undefined && BigInt(cursor.u) < (bounds.untilId as bigint)) bounds.untilId = BigInt(cursor.u);

  const page = [];
  let more = false;
  for (const tweet of ctx.world.searchable(bounds)) {
    if (!query.matches(ctx.world.matchable(tweet))) continue;
    if (page.length === maxResults) {
      more = true;
      break;
    }
    page.push(tweet);
  }
  if (page.length === 0) return { status: 200, body: { meta: { result_count: 0 } } };

  const rendered = renderTweets(page, selection, ctx.world);
  const newest = page[0]?.id as string;
  const oldest = page[page.length - 1]?.id as string;
  const meta: Record<string, unknown> = { newest_id: newest, oldest_id: oldest, result_count: page.length };
  if (more) {
    const next: PageCursor = {
      v: 1,
      f: fingerprint(ctx.endpoint, query.text),
      a: oldest,
      st: bounds.startMs as number,
      et: bounds.endMs as number,
      ...(bounds.sinceId !== undefined ? { s: bounds.sinceId.toString() } : {}),
      ...(cursor?.u !== undefined ? { u: cursor.u } : untilId !== undefined ? { u: untilId.toString() } : {}),
    };
    meta.next_token = encodeCursor(next);
  }
  return { status: 200, bytes: tweetsBody({ rendered, errors: rendered.errors, meta }) };
}
