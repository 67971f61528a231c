import { z } from 'zod';
import type { CollectedPage, SourceCollector } from '../../ingestion/collector.js';
import type { SourceCursor } from '../../store/sources.js';
import type { WordPressApi } from './api.js';
import { CommentReader, isLastCommentPage, latestCommentDate, wpInstant, wpInstantSchema } from './comment-reader.js';

// The cursor of a wordpress source's incremental passes. `after` is the newest comment date
// (date_gmt, UTC) of the last completed pass; the next pass asks for comments after it, less a
// small overlap. While a pass is under way, `pass` holds its fixed `after`, the next page number and
// the newest date seen so far, so a pass cut short resumes at its next page; `after` moves only when
// the pass completes.
const cursorSchema = z.object({
  after: wpInstantSchema.optional(),
  pass: z.object({ after: wpInstantSchema.optional(), page: z.number().int().positive(), newest: wpInstantSchema.optional() }).optional(),
});
export type WordPressCommentsCursor = z.output<typeof cursorSchema>;

/** Comments posted in the same second, or committed out of order, are read again rather than missed; upserts make that free. */
export const DEFAULT_OVERLAP_MS = 60_000;

export interface WordPressCommentsCollectorOptions {
  api: WordPressApi;
  siteLocality: string | null;
  overlapMs?: number;
}

/**
 * Incremental passes over a WordPress site's public comments: oldest first by date_gmt, 100 a
 * page, paged with X-WP-TotalPages. The first pass reads the site's whole history.
 */
export class WordPressCommentsCollector implements SourceCollector {
  readonly #reader: CommentReader;
  readonly #overlapMs: number;

  constructor(options: WordPressCommentsCollectorOptions) {
    this.#reader = new CommentReader(options.api, options.siteLocality);
    this.#overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  }

  async fetchPage(stored: SourceCursor, signal?: AbortSignal): Promise<CollectedPage> {
    const parsed = cursorSchema.safeParse(stored);
    const cursor: WordPressCommentsCursor = parsed.success ? parsed.data : {};
    const after = cursor.pass ? cursor.pass.after : cursor.after ? wpInstant(new Date(Date.parse(cursor.after) - this.#overlapMs)) : undefined;
    const pageNumber = cursor.pass?.page ?? 1;

    const page = await this.#reader.read({ orderby: 'date_gmt', order: 'asc', page: String(pageNumber), ...(after ? { after } : {}) }, signal);
    const newest = latestCommentDate(page?.comments ?? [], cursor.pass?.newest);
    const done = isLastCommentPage(page, pageNumber);
    const completedAfter = [cursor.after, newest].filter((v): v is string => v !== undefined).sort().at(-1);
    const next: WordPressCommentsCursor = done
      ? { ...(completedAfter ? { after: completedAfter } : {}) }
      : { ...(cursor.after ? { after: cursor.after } : {}), pass: { ...(after ? { after } : {}), page: pageNumber + 1, ...(newest ? { newest } : {}) } };
    return { posts: page?.posts ?? [], authors: page?.authors ?? [], dropped: page?.dropped ?? [], fetched: page?.items.length ?? 0, cursor: next, done };
  }
}
