// Faults are queued and consumed by the requests they match, so a test states "the next two searches
// fail with 503" and then watches the code under test recover.

export type XEndpoint =
  | 'search/recent'
  | 'search/all'
  | 'tweets'
  | 'counts/recent'
  | 'counts/all'
  | 'compliance/jobs'
  | 'compliance/storage';

export const X_ENDPOINTS: readonly XEndpoint[] = [
  'search/recent', 'search/all', 'tweets', 'counts/recent', 'counts/all', 'compliance/jobs', 'compliance/storage',
];

export interface FaultSpec {
  /** Only requests to this endpoint consume the fault; any endpoint when absent. */
  endpoint?: XEndpoint;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Answer with this status and X's generic problem body (or `body`). */
  status?: number;
  body?: unknown;
  /** Answer 200 with the real body cut in half, so JSON parsing fails. */
  malformedJson?: boolean;
  /** Wait this long before answering (combines with the other faults). */
  delayMs?: number;
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  hang?: boolean;
  /** Spend the endpoint's whole rate-limit window first, so the request gets X's 429. */
  rateLimitExhaust?: boolean;
}

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError('fault.times must be a positive integer');
    this.queue.push({ spec: { ...spec }, remaining: times });
  }

  /** The first queued fault that applies to this endpoint, consuming one use of it. */
  take(endpoint: XEndpoint): FaultSpec | undefined {
    const index = this.queue.findIndex((f) => f.spec.endpoint === undefined || f.spec.endpoint === endpoint);
    if (index === -1) return undefined;
    const fault = this.queue[index] as QueuedFault;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.queue.splice(index, 1);
    return fault.spec;
  }

  pending(): number {
    return this.queue.reduce((sum, f) => sum + f.remaining, 0);
  }

  clear(): void {
    this.queue = [];
  }
}
