// A client reads a listing a page at a time, and every page asks the same question of the whole
// site: which comments match, in what order. Answering it afresh for each page makes reading n
// comments cost O(n²), and at 100,000 comments the fake spent as much CPU as the pipeline it is
// there to measure. So the full, ordered list of matches is kept per distinct query and each page is
// a slice of it.

interface KeptListing<T> {
  /** The state of the site the list was computed in (see SiteStore.version and visibilityEpoch). */
  readonly stamp: string;
  readonly items: readonly T[];
}

/**
 * The ordered matches of the most recently used queries, each valid only while the site is in the
 * state it was computed in. Holds at most `capacity` queries, dropping the least recently used, so
 * clients asking ever-different questions cannot grow it without end.
 */
export class ListingCache<T> {
  readonly #capacity: number;
  readonly #kept = new Map<string, KeptListing<T>>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /**
   * The matches for `query` in the site's current state (as `stampNow()` names it): the kept list if
   * it was computed in that state, else `compute()`'s. The state is asked again afterwards: a list
   * computed while it moved (a real clock passing an item's time mid-scan) is returned but not kept.
   */
  matches(query: string, stampNow: () => string, compute: () => T[]): readonly T[] {
    const stamp = stampNow();
    const kept = this.#kept.get(query);
    // Taken out and put back last: Map order is then least recently used first, which eviction takes.
    this.#kept.delete(query);
    if (kept?.stamp === stamp) {
      this.#kept.set(query, kept);
      return kept.items;
    }
    const items = compute();
    if (stampNow() !== stamp) return items;
    this.#kept.set(query, { stamp, items });
    for (const oldest of this.#kept.keys()) {
      if (this.#kept.size <= this.#capacity) break;
      this.#kept.delete(oldest);
    }
    return items;
  }

  /** How many queries are kept. */
  get size(): number {
    return this.#kept.size;
  }
}
