import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiPartialResponseError, ApiResponseError, type TwitterResponse } from 'twitter-api-v2';
import { z } from 'zod';
import { RateLimitedError } from '../../ingestion/errors.js';
import type { RateOutcome, RateReservation, ScopedRateBudget } from '../../ingestion/rate-budget.js';
import { classifyXError } from './errors.js';

// Every X API call goes through here: reserve a slot of the shared window first (when a budget is
// given), send, record what X's x-rate-limit-* headers said, and turn failures into typed
// ingestion errors. The budget's endpoint names are X's rate-limit families.

export type XRateFamily = 'tweets/search/recent' | 'tweets/search/all' | 'tweets' | 'tweets/counts/recent' | 'tweets/counts/all' | 'compliance/jobs';

const headerWindowSchema = z.object({
  limit: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
  reset: z.number().int().positive(),
});

function windowFrom(rateLimit: unknown): RateOutcome | undefined {
  const parsed = headerWindowSchema.safeParse(rateLimit);
  if (!parsed.success) return undefined;
  return { kind: 'window', limit: parsed.data.limit, remaining: parsed.data.remaining, resetAt: new Date(parsed.data.reset * 1000) };
}

function windowFromHeaders(headers: IncomingHttpHeaders | undefined): RateOutcome | undefined {
  if (!headers) return undefined;
  return windowFrom({ limit: Number(headers['x-rate-limit-limit']), remaining: Number(headers['x-rate-limit-remaining']), reset: Number(headers['x-rate-limit-reset']) });
}

/** What a failed request says about the window. */
function outcomeOfError(error: unknown): RateOutcome {
  if (error instanceof ApiResponseError) {
    if (error.code === 429) {
      const window = windowFrom(error.rateLimit);
      const resetAt = window?.kind === 'window' ? window.resetAt : new Date(Date.now() + 60_000);
      return { kind: 'rate-limited', resetAt, ...(window?.kind === 'window' ? { limit: window.limit } : {}) };
    }
    return windowFrom(error.rateLimit) ?? { kind: 'no-answer' };
  }
  if (error instanceof ApiPartialResponseError) return windowFromHeaders(error.response.headers) ?? { kind: 'no-answer' };
  return { kind: 'no-answer' };
}

/** How long a caller waits, at most, for another worker's probe of a new window to come back. */
export const PROBE_WAIT_MS = 2_000;
const PROBE_POLL_MS = 50;

/**
 * A reservation, waiting while another worker's probe of an unknown window is in flight: that is
 * one request's time, and giving up would end a pass as rate-limited (and show the source so) for
 * a quarter of a second. A spent window, or a probe that never comes back, is refused as before.
 */
async function reserveWaitingForProbe(budget: ScopedRateBudget, family: XRateFamily): Promise<RateReservation> {
  const giveUpAt = Date.now() + PROBE_WAIT_MS;
  for (;;) {
    const reservation = await budget.reserve(family);
    if (reservation.granted || reservation.reason !== 'probe-in-flight' || Date.now() >= giveUpAt) return reservation;
    await sleep(PROBE_POLL_MS);
  }
}

/**
 * Sends one request to X within the shared budget. Throws RateLimitedError (with the time to try
 * again) without sending when the window is spent, and classified ingestion errors on failure.
 */
export async function sendWithinBudget<T>(budget: ScopedRateBudget | undefined, family: XRateFamily, send: () => Promise<TwitterResponse<T>>): Promise<TwitterResponse<T>> {
  const reservation = budget ? await reserveWaitingForProbe(budget, family) : undefined;
  if (reservation && !reservation.granted) {
    const why = reservation.reason === 'probe-in-flight' ? 'another worker is probing the new rate-limit window' : 'the shared rate-limit window is spent';
    throw new RateLimitedError(reservation.retryAt, `X ${family}: ${why}; resumes at ${reservation.retryAt.toISOString()}`);
  }
  try {
    const response = await send();
    if (reservation?.granted) await reservation.settle(windowFrom(response.rateLimit) ?? { kind: 'no-answer' });
    return response;
  } catch (error) {
    if (reservation?.granted) await reservation.settle(outcomeOfError(error));
    throw classifyXError(error, family);
  }
}
