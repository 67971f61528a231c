import { z } from 'zod';

// An analytics request is data (as in Plausible): parsed once at the edge into a typed value, then
// planned (window, bucket) by pure code. HTTP query strings arrive as text, so numbers are coerced.

export type Bucket = 'hour' | 'day';
export type Split = 'locality' | 'platform' | 'source';
export type PlatformFilter = 'x' | 'site';

/** The locality filter value that selects posts attributed to no locality. */
export const UNATTRIBUTED = 'unattributed';

export const MAX_WINDOW_DAYS = 365;
export const DEFAULT_BEFORE_DAYS = 14;
export const DEFAULT_AFTER_DAYS = 28;
export const DEFAULT_BASELINE_DAYS = 14;
export const MAX_BASELINE_DAYS = 90;
export const MAX_COMPARED_LAUNCHES = 10;
export const MAX_RANKING_LIMIT = 100;

const SLUG_MESSAGE = 'is not a slug (lower-case letters, digits and dashes, like "primer")';
const slug = z.string({ error: SLUG_MESSAGE }).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: SLUG_MESSAGE });

const wholeNumber = (min: number, max: number, what: string) => {
  const message = `is not a whole number of ${what} from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

const days = (fallback: number) => wholeNumber(0, MAX_WINDOW_DAYS, 'days').default(fallback);

const filterFields = {
  /** A locality slug, or "unattributed" for posts matched to no locality. */
  locality: slug.optional(),
  source: slug.optional(),
  platform: z.enum(['x', 'site'], { error: 'is not a platform: x or site' }).optional(),
};

const windowFields = {
  campaign: slug,
  /** Days of the window before the launch (default 14) and after it (default 28). */
  before: days(DEFAULT_BEFORE_DAYS),
  after: days(DEFAULT_AFTER_DAYS),
  /** A wish: the server picks hour or day for the window's length and may overrule it. */
  bucket: z.enum(['hour', 'day'], { error: 'is not a bucket size: hour or day' }).optional(),
  ...filterFields,
};

const oneWayWindow = (request: { before: number; after: number }) => request.before + request.after > 0;
const EMPTY_WINDOW = { error: 'is 0 and so is the other side: the window needs at least one day', path: ['after'] };

export const analyticsRequestSchema = z
  .strictObject({
    ...windowFields,
    launch: slug,
    /** Also return one series per locality (unattributed included), platform or source. */
    split: z.enum(['locality', 'platform', 'source'], { error: 'is not a split: locality, platform or source' }).optional(),
    /** Days before the launch whose daily mean is the baseline (default 14). */
    baselineDays: wholeNumber(1, MAX_BASELINE_DAYS, 'days').default(DEFAULT_BASELINE_DAYS),
  })
  .refine(oneWayWindow, EMPTY_WINDOW);

export const launchComparisonRequestSchema = z
  .strictObject({
    ...windowFields,
    /** Launch slugs, as a list or comma-separated. */
    launches: z.preprocess(
      (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value),
      z
        .array(slug, { error: `is not a list of launch slugs` })
        .min(1, { error: 'is empty: name at least one launch' })
        .max(MAX_COMPARED_LAUNCHES, { error: `names more than ${MAX_COMPARED_LAUNCHES} launches` }),
    ),
  })
  .refine(oneWayWindow, EMPTY_WINDOW);

export const rankingRequestSchema = z
  .strictObject({
    ...windowFields,
    launch: slug,
    limit: wholeNumber(1, MAX_RANKING_LIMIT, 'rows').default(10),
  })
  .refine(oneWayWindow, EMPTY_WINDOW);

export type AnalyticsRequest = z.output<typeof analyticsRequestSchema>;
export type AnalyticsRequestInput = z.input<typeof analyticsRequestSchema>;
export type LaunchComparisonRequest = z.output<typeof launchComparisonRequestSchema>;
export type RankingRequest = z.output<typeof rankingRequestSchema>;

/** A request parameter that failed validation; `parameter` names it for a 400 response. */
export class AnalyticsRequestError extends Error {
  readonly code = 'BAD_PARAMETER';
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'AnalyticsRequestError';
  }
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new AnalyticsRequestError(issue.keys[0] ?? '(unknown)', 'is not a parameter of this request');
  const parameter = issue.path.length > 0 ? issue.path.map(String).join('.') : '(request)';
  const given = typeof input === 'object' && input !== null ? (input as Record<PropertyKey, unknown>)[issue.path[0] ?? ''] : undefined;
  const missing = issue.code === 'invalid_type' && issue.path.length === 1 && given === undefined;
  throw new AnalyticsRequestError(parameter, missing ? 'is required' : issue.message);
}

/** Parses a series, lift or half-life request; throws AnalyticsRequestError naming the first bad parameter. */
export const parseAnalyticsRequest = (input: unknown): AnalyticsRequest => parseWith(analyticsRequestSchema, input);
export const parseLaunchComparisonRequest = (input: unknown): LaunchComparisonRequest => parseWith(launchComparisonRequestSchema, input);
export const parseRankingRequest = (input: unknown): RankingRequest => parseWith(rankingRequestSchema, input);
