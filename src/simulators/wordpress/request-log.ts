import { performance } from 'node:perf_hooks';

export interface RequestLogEntry {
  /** Order of arrival, from 1. */
  seq: number;
  /** The server's clock when the request arrived. */
  at: Date;
  /** Monotonic milliseconds (performance.now()) at arrival, for measuring gaps between requests. */
  monotonicMs: number;
  method: string;
  /** Path and query as sent. */
  target: string;
  path: string;
  query: Record<string, string[]>;
  userAgent: string | undefined;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  /** Whether credentials were sent (never their value). */
  authorization: boolean;
  /** Filled in when the response is sent; undefined while pending (or for ever, for a hang). */
  status: number | undefined;
  fault: string | undefined;
}

export type RequestMatch = string | RegExp | ((entry: RequestLogEntry) => boolean);

/** Every request the fake saw, so tests can check what a client asked for and how politely. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  #seq = 0;

  record(entry: Omit<RequestLogEntry, 'seq' | 'monotonicMs' | 'status' | 'fault'>): RequestLogEntry {
    this.#seq += 1;
    const full: RequestLogEntry = { ...entry, seq: this.#seq, monotonicMs: performance.now(), status: undefined, fault: undefined };
    this.#entries.push(full);
    return full;
  }

  entries(match?: RequestMatch): RequestLogEntry[] {
    return this.#entries.filter((entry) => matches(entry, match));
  }

  clear(): void {
    this.#entries.length = 0;
  }

  /** The smallest gap, in milliseconds, between consecutive matching requests; Infinity with fewer than two. */
  minIntervalMs(match?: RequestMatch, source: 'monotonic' | 'clock' = 'monotonic'): number {
    const times = this.entries(match).map((e) => (source === 'monotonic' ? e.monotonicMs : e.at.getTime()));
    let min = Number.POSITIVE_INFINITY;
    for (let i = 1; i < times.length; i += 1) min = Math.min(min, (times[i] as number) - (times[i - 1] as number));
    return min;
  }
}

function matches(entry: RequestLogEntry, match: RequestMatch | undefined): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return entry.target.includes(match);
  if (match instanceof RegExp) return match.test(entry.target);
  return match(entry);
}
