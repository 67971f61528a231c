import type { Logger } from '../observability/logger.js';

export interface CloserOptions {
  /**
   * Where each step's end is logged, and a warning for each `slowAfterMs` a step keeps waiting: when
   * a shutdown hangs, the log's tail names the step it hangs in.
   */
  logger?: Pick<Logger, 'info' | 'warn'>;
  slowAfterMs?: number;
}

/**
 * Runs cleanup steps in reverse order of registration, every one of them even when some fail, and
 * only once however often it is called (SIGTERM and an error can both ask for it).
 */
export class Closer {
  readonly #steps: { name: string; run: () => Promise<void> | void }[] = [];
  readonly #options: CloserOptions;
  #closing: Promise<Error[]> | undefined;

  constructor(options: CloserOptions = {}) {
    this.#options = options;
  }

  add(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  close(): Promise<Error[]> {
    this.#closing ??= (async () => {
      const failures: Error[] = [];
      for (const step of [...this.#steps].reverse()) {
        try {
          await this.#run(step);
        } catch (error) {
          failures.push(new Error(`closing ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`));
        }
      }
      return failures;
    })();
    return this.#closing;
  }

  async #run(step: { name: string; run: () => Promise<void> | void }): Promise<void> {
    const { logger, slowAfterMs = 10_000 } = this.#options;
    if (!logger) return step.run();
    const started = performance.now();
    const waiting = setInterval(() => {
      logger.warn({ step: step.name, waitingMs: Math.round(performance.now() - started) }, `shutdown: still waiting for ${step.name} to close`);
    }, slowAfterMs);
    try {
      await step.run();
      logger.info({ step: step.name, ms: Math.round(performance.now() - started) }, `shutdown: closed ${step.name}`);
    } finally {
      clearInterval(waiting);
    }
  }
}
