import type { SourceCursor } from '../store/sources.js';
import type { CollectedPage } from './collector.js';

/**
 * Fetches a pass's pages ahead of the store step, one request at a time, keeping at most `limit`
 * pages waiting. The store step then takes every page that has arrived and stores them as one
 * transaction with the last page's cursor (which covers them all), so a fast source is stored in
 * batches of several pages and a slow one page by page. A fetch error is raised only after the
 * pages fetched before it have been taken, so they are stored as they would have been one by one.
 */
export class PageReadAhead {
  readonly #fetch: (from: SourceCursor) => Promise<CollectedPage>;
  readonly #limit: number;
  readonly #stopped = new AbortController();
  readonly #waiting: CollectedPage[] = [];
  #finished = false;
  #failure: { error: unknown } | undefined;
  #wakeConsumer: (() => void) | undefined;
  #wakeProducer: (() => void) | undefined;

  constructor(fetch: (from: SourceCursor, signal: AbortSignal) => Promise<CollectedPage>, start: SourceCursor, options: { limit: number; signal: AbortSignal }) {
    this.#limit = Math.max(1, options.limit);
    const signal = AbortSignal.any([options.signal, this.#stopped.signal]);
    this.#fetch = (from) => fetch(from, signal);
    void this.#run(start, signal);
  }

  /** Every page waiting (at least one), or undefined once the pass has no more pages. */
  async take(): Promise<CollectedPage[] | undefined> {
    while (this.#waiting.length === 0 && !this.#finished) await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    if (this.#waiting.length > 0) {
      const pages = this.#waiting.splice(0);
      this.#wakeProducer?.();
      return pages;
    }
    if (this.#failure) throw this.#failure.error;
    return undefined;
  }

  /** Stops fetching (the store step failed, or the pass is over). */
  stop(): void {
    this.#stopped.abort();
    this.#wakeProducer?.();
  }

  async #run(start: SourceCursor, signal: AbortSignal): Promise<void> {
    let from = start;
    try {
      for (;;) {
        while (this.#waiting.length >= this.#limit && !signal.aborted) await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
        signal.throwIfAborted();
        const page = await this.#fetch(from);
        this.#waiting.push(page);
        this.#wakeConsumer?.();
        if (page.done) break;
        from = page.cursor;
      }
    } catch (error) {
      this.#failure = { error };
    } finally {
      this.#finished = true;
      this.#wakeConsumer?.();
    }
  }
}
