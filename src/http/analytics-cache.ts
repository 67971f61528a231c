// Launch-analytics answers kept for a few seconds. Every viewer asks the same questions (answers do
// not depend on who asks), dashboards refresh each minute, and the rollups behind the answers move
// only when ingestion stores a page and the rollup refresh runs, which already lags by seconds. So a
// short-lived answer per distinct request spares PostgreSQL the same aggregation over and over, and
// identical requests arriving together share one computation. Failures are never kept.

// Kept answers are also serialized once rather than once per request: a launch series is ~10 KB of
// JSON, and stringifying it costs more than everything else a kept answer's request does.
const keptAnswers = new WeakSet<object>();
const serialized = new WeakMap<object, string>();

/** The JSON text of an answer this cache keeps (made once), or undefined for any other value. */
export function keptAnswerJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !keptAnswers.has(value)) return undefined;
  let text = serialized.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    serialized.set(value, text);
  }
  return text;
}

export class AnalyticsCache {
  private readonly entries = new Map<string, { expiresAt: number; value: Promise<unknown> }>();

  constructor(
    /** How long an answer is reused; 0 turns the cache off. */
    readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer for `key`: a kept one while it is fresh, else `compute()`, kept from now on. */
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return compute();
    const now = this.now();
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > now) return kept.value as Promise<T>;
    const value = compute();
    const entry = { expiresAt: now + this.ttlMs, value };
    // Re-inserted last: Map order is then oldest first, which is what eviction takes.
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.then(
      (answer) => {
        if (typeof answer === 'object' && answer !== null) keptAnswers.add(answer);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A cache key for one analytics question: which query, and the parsed request (whose keys come in schema order). */
export const analyticsKey = (query: string, request: object) => `${query}:${JSON.stringify(request)}`;
