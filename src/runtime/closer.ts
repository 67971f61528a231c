/**
 * Runs cleanup steps in reverse order of registration, every one of them even when some fail, and
 * only once however often it is called (SIGTERM and an error can both ask for it).
 */
export class Closer {
  readonly #steps: { name: string; run: () => Promise<void> | void }[] = [];
  #closing: Promise<Error[]> | undefined;

  add(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  close(): Promise<Error[]> {
    this.#closing ??= (async () => {
      const failures: Error[] = [];
      for (const step of [...this.#steps].reverse()) {
        try {
          await step.run();
        } catch (error) {
          failures.push(new Error(`closing ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`));
        }
      }
      return failures;
    })();
    return this.#closing;
  }
}
