/** A campaign, launch, locality or source named in a request does not exist; `parameter` names it (HTTP 404). */
export class AnalyticsNotFoundError extends Error {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly parameter: string,
    readonly value: string,
    what: string,
  ) {
    super(`${parameter}: ${what} "${value}" does not exist`);
    this.name = 'AnalyticsNotFoundError';
  }
}
