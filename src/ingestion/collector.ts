import type { SourceKind } from '../config/campaign-schema.js';
import type { AuthorRecord, PostRecord, PostRemoval } from '../domain/post.js';
import type { RunKind } from '../store/runs.js';
import type { SourceCursor, SourceRow } from '../store/sources.js';

/** An item a collector could not use, with a typed reason that is counted in the run ledger. */
export interface DroppedItem {
  reason: string;
  detail?: string;
}

export interface CollectedPage {
  posts: PostRecord[];
  authors: AuthorRecord[];
  dropped: DroppedItem[];
  /** Posts the source reports gone (deleted, unapproved, not authorised); purged to tombstones. */
  removed?: PostRemoval[];
  /** Items the API returned on this page, before validation. */
  fetched: number;
  /** The cursor once this page is stored; written in the same transaction as its rows. */
  cursor: SourceCursor;
  /** True when the pass has reached its end. */
  done: boolean;
}

/**
 * The one interface every source kind implements. A collector fetches and normalises; it never
 * writes to the database. `fetchPage` is called with the stored cursor of its kind of pass, then
 * with the cursor each page returned, until a page says `done`.
 */
export interface SourceCollector {
  fetchPage(cursor: SourceCursor, signal: AbortSignal): Promise<CollectedPage>;
}

/** What kind of pass to run (a backfill's window is planned by `planSourceBackfill`). */
export interface PassRequest {
  kind: RunKind;
}

/** Builds the collector for one pass of a source; undefined when this kind of source has no such pass. */
export type CollectorFactory = (source: SourceRow, pass: PassRequest) => SourceCollector | undefined;

/** The collectors this build can run, by source kind. Each source kind registers itself once. */
export class CollectorRegistry {
  readonly #factories = new Map<SourceKind, CollectorFactory>();
  readonly #unavailable = new Map<SourceKind, string>();

  register(kind: SourceKind, factory: CollectorFactory): this {
    this.#factories.set(kind, factory);
    return this;
  }

  /** Records why a kind cannot be collected in this process (e.g. no credentials), for operators. */
  unavailable(kind: SourceKind, reason: string): this {
    this.#unavailable.set(kind, reason);
    return this;
  }

  whyUnavailable(kind: SourceKind): string {
    return this.#unavailable.get(kind) ?? `this build has no collector for "${kind}" sources yet`;
  }

  has(kind: SourceKind): boolean {
    return this.#factories.has(kind);
  }

  create(source: SourceRow, pass: PassRequest = { kind: 'incremental' }): SourceCollector | undefined {
    return this.#factories.get(source.kind)?.(source, pass);
  }
}
