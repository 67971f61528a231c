import { z } from 'zod';
import { redactUrl } from '../../config/secret.js';
import type { PostRemoval } from '../../domain/post.js';
import type { CollectedPage, SourceCollector } from '../../ingestion/collector.js';
import { PermanentError } from '../../ingestion/errors.js';
import type { SourceCursor } from '../../store/sources.js';
import type { WordPressApi } from './api.js';
import { COMMENTS_PER_PAGE, CommentReader, isLastCommentPage, wpInstant, wpInstantSchema } from './comment-reader.js';
import { commentExternalId } from '../site-comment/site-ids.js';

// WordPress has no "modified since" filter and never says a comment went away, so a daily sweep
// reconciles the recent past in two phases:
//
// 1. window: re-read every public comment dated in the last N days, oldest first. This stores
//    edits, and comments approved late (held for moderation, then approved: dated before the
//    incremental cursor, so the incremental pass never sees them).
// 2. verify: ask the site for the comments Groundswell has stored from those days, by id, 100 at a
//    time (`include=`). WordPress answers with the ones an anonymous reader may still see; every
//    id it leaves out is no longer public (unapproved, spam, trashed or deleted) and is purged.
//
// Removals come only from phase 2: being asked for by id makes the answer exact, where comparing
// pages of a list that shifts while it is read could mistake a comment for gone (and a tombstone
// is for ever). The collector cannot read the database, so the ids it verifies come from a loader
// the registry injects (listStoredCommentIds in src/store/site-comments.ts). The loader may run
// while the window's last page is still being stored (the pass runner fetches ahead); comments on
// that page were just seen public, so leaving them out of this sweep's check loses nothing.

const cursorSchema = z.object({
  completedAt: wpInstantSchema.optional(),
  pass: z
    .discriminatedUnion('phase', [
      z.object({ phase: z.literal('window'), windowStart: wpInstantSchema, page: z.number().int().positive() }),
      z.object({ phase: z.literal('verify'), windowStart: wpInstantSchema, afterId: z.number().int().nonnegative() }),
    ])
    .optional(),
});
export type WordPressSweepCursor = z.output<typeof cursorSchema>;

/** External ids of the comments stored from this source dated at or after `since`, not yet removed. */
export type StoredCommentIds = (since: Date, signal?: AbortSignal) => Promise<string[]>;

export const REMOVED_REASON = 'no-longer-public';

export interface WordPressSweepCollectorOptions {
  api: WordPressApi;
  siteLocality: string | null;
  /** How far back the sweep looks. */
  days: number;
  storedCommentIds: StoredCommentIds;
  now?: () => Date;
}

export class WordPressSweepCollector implements SourceCollector {
  readonly #api: WordPressApi;
  readonly #reader: CommentReader;
  readonly #days: number;
  readonly #storedCommentIds: StoredCommentIds;
  readonly #now: () => Date;
  #stored: { windowStart: string; ids: number[] } | undefined;

  constructor(options: WordPressSweepCollectorOptions) {
    this.#api = options.api;
    this.#reader = new CommentReader(options.api, options.siteLocality);
    this.#days = options.days;
    this.#storedCommentIds = options.storedCommentIds;
    this.#now = options.now ?? ((): Date => new Date());
  }

  async fetchPage(stored: SourceCursor, signal?: AbortSignal): Promise<CollectedPage> {
    const parsed = cursorSchema.safeParse(stored);
    const cursor: WordPressSweepCursor = parsed.success ? parsed.data : {};
    const pass = cursor.pass ?? { phase: 'window' as const, windowStart: wpInstant(new Date(this.#now().getTime() - this.#days * 86_400_000)), page: 1 };
    return pass.phase === 'window' ? this.#windowPage(pass, signal) : this.#verifyPage(pass, signal);
  }

  async #windowPage(pass: { windowStart: string; page: number }, signal: AbortSignal | undefined): Promise<CollectedPage> {
    const page = await this.#reader.read({ after: pass.windowStart, orderby: 'date_gmt', order: 'asc', page: String(pass.page) }, signal);
    const last = isLastCommentPage(page, pass.page);
    const next: WordPressSweepCursor = {
      pass: last ? { phase: 'verify', windowStart: pass.windowStart, afterId: 0 } : { phase: 'window', windowStart: pass.windowStart, page: pass.page + 1 },
    };
    return { posts: page?.posts ?? [], authors: page?.authors ?? [], dropped: page?.dropped ?? [], fetched: page?.items.length ?? 0, cursor: next, done: false };
  }

  async #verifyPage(pass: { windowStart: string; afterId: number }, signal: AbortSignal | undefined): Promise<CollectedPage> {
    const known = await this.#knownIds(pass.windowStart, signal);
    const batch = known.filter((id) => id > pass.afterId).slice(0, COMMENTS_PER_PAGE);
    const finished: WordPressSweepCursor = { completedAt: wpInstant(this.#now()) };
    if (batch.length === 0) return { posts: [], authors: [], dropped: [], fetched: 0, cursor: finished, done: true };

    const page = await this.#reader.read({ include: batch.join(','), orderby: 'id', order: 'asc' }, signal);
    if (!page) {
      throw new PermanentError('WP_UNEXPECTED_RESPONSE', `the comments endpoint of ${redactUrl(this.#api.site.href)} called the first page of a request for comments by id invalid; nothing was marked removed`);
    }
    const asked = new Set(batch);
    const answered = new Set<number>();
    for (const item of page.items) {
      const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
      if (typeof id !== 'number' || !asked.has(id)) {
        // A site (or a plugin) that ignores `include` would make every stored comment look removed.
        throw new PermanentError('WP_INCLUDE_IGNORED', `the comments endpoint of ${redactUrl(this.#api.site.href)} answered a request for comments by id with comment ${String(id)}, which was not asked for; nothing was marked removed`);
      }
      answered.add(id);
    }
    const removed: PostRemoval[] = batch
      .filter((id) => !answered.has(id))
      .map((id) => ({ platform: 'site', externalId: commentExternalId(this.#api.siteKey, id), reason: REMOVED_REASON }));
    const lastId = batch.at(-1) ?? pass.afterId;
    const done = !known.some((id) => id > lastId);
    const next: WordPressSweepCursor = done ? finished : { pass: { phase: 'verify', windowStart: pass.windowStart, afterId: lastId } };
    return { posts: page.posts, authors: page.authors, dropped: page.dropped, removed, fetched: page.items.length, cursor: next, done };
  }

  async #knownIds(windowStart: string, signal: AbortSignal | undefined): Promise<number[]> {
    if (this.#stored?.windowStart !== windowStart) {
      const prefix = commentExternalId(this.#api.siteKey, 0).slice(0, -1);
      const ids = (await this.#storedCommentIds(new Date(windowStart), signal))
        .filter((externalId) => externalId.startsWith(prefix))
        .map((externalId) => Number(externalId.slice(prefix.length)))
        .filter((id) => Number.isSafeInteger(id) && id > 0)
        .sort((a, b) => a - b);
      this.#stored = { windowStart, ids };
    }
    return this.#stored.ids;
  }
}
