import type { LaunchWindow, Split } from '../domain/launch/index.js';
import type { ResolvedFilters } from './resolve-request.js';

/** One launch-aligned series question: the window's buckets, the filters, and an optional split. */
export interface SeriesQuery {
  campaignId: number;
  window: LaunchWindow;
  filters: ResolvedFilters;
  split: Split | null;
}

/** One bucket of one series: the total (splitKey null) or one group of the split. */
export interface BucketRow {
  /** Locality key or source id as text, or the platform; null for the total. */
  splitKey: string | null;
  bucket: number;
  posts: number;
  engagement: number;
  /** Distinct authors within this bucket (not additive across buckets). */
  uniqueAuthors: number;
  reach: number;
}

export interface BucketDbRow {
  split_key: string | null;
  bucket: number;
  posts: number;
  engagement: number;
  unique_authors: number | null;
  reach: number | null;
}

export const toBucketRow = (row: BucketDbRow): BucketRow => ({
  splitKey: row.split_key,
  bucket: row.bucket,
  posts: row.posts,
  engagement: row.engagement,
  uniqueAuthors: row.unique_authors ?? 0,
  reach: row.reach ?? 0,
});

/** Which table answered: the hourly rollups, or raw posts (launches not on a whole hour). */
export type AnsweredFrom = 'rollups' | 'raw';

/** Integers from our own lookups, inlined into SQL text; anything else is a bug, not input. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`expected an integer for SQL, got ${value}`);
  return String(value);
}
