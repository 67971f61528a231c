import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

interface HostState {
  /** Settles when the request ahead of the last one queued has finished. */
  tail: Promise<void>;
  /** performance.now() when the last request to this host finished. */
  lastEnd: number;
}

/**
 * One request at a time per host, and a minimum quiet gap between one request's end and the next
 * one's start (as a crawl delay is read), so the site sees at least that gap between arrivals
 * however long its answers take. Being polite to a small blog matters more than speed: many run on
 * shared hosting where a burst of API calls is noticed.
 */
export class HostQueue {
  readonly #hosts = new Map<string, HostState>();

  async run<T>(host: string, minIntervalMs: number, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    let state = this.#hosts.get(host);
    if (!state) {
      state = { tail: Promise.resolve(), lastEnd: Number.NEGATIVE_INFINITY };
      this.#hosts.set(host, state);
    }
    const previous = state.tail;
    let release: () => void = () => {};
    state.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await untilSettledOrAborted(previous, signal);
      const wait = state.lastEnd + minIntervalMs - performance.now();
      if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
      try {
        return await work();
      } finally {
        state.lastEnd = performance.now();
      }
    } finally {
      // Released only once the request ahead has finished too, so a request that gave up while
      // queued never lets the one behind it overtake a request still in flight.
      void previous.then(release);
    }
  }
}

function untilSettledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
