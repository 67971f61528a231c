import { ConfigError } from '../config/errors.js';
import { IngestionError } from '../ingestion/errors.js';
import { ServiceUnreachableError } from '../runtime/service-errors.js';

/** A problem the user can fix, reported as one clear message (no stack trace). */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** A command that ran but did not succeed: its message is already worded for a person. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export const EXIT = { ok: 0, failure: 1, usage: 2, config: 78, interrupted: 130 } as const;

/** Prints an error for a person and returns the exit code; stack traces only for unexpected errors. */
export function reportFatal(error: unknown, write: (text: string) => void = (text) => process.stderr.write(text)): number {
  if (error instanceof ConfigError) {
    write(`groundswell: the configuration in ${error.message}\n`);
    return EXIT.config;
  }
  if (error instanceof ServiceUnreachableError) {
    write(`groundswell: ${error.message}\n`);
    return EXIT.failure;
  }
  if (error instanceof CommandFailed) {
    if (error.message) write(`groundswell: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof IngestionError) {
    write(`groundswell: ${error.code}: ${error.message}\n`);
    return EXIT.failure;
  }
  if (error instanceof UsageError) {
    write(`groundswell: ${error.message}\n`);
    return EXIT.usage;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  // Not a problem we anticipated, so most likely a bug: the stack trace is what a bug report needs.
  write(`groundswell: unexpected error: ${err.stack ?? err.message}\n`);
  return EXIT.failure;
}
