import { Redis } from 'ioredis';
import type { TwitterResponse } from 'twitter-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/ingestion/errors.js';
import { credentialFingerprint, RateBudget, ScopedRateBudget } from '../../../src/ingestion/rate-budget.js';
import { PROBE_WAIT_MS, sendWithinBudget } from '../../../src/sources/x/budgeted-request.js';
import { redisPrefix, TEST_REDIS_URL } from '../../support/db.js';

// A caller that meets another worker's probe of a new rate-limit window waits for it briefly
// instead of ending its pass as rate-limited.

let redis: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(() => redis.disconnect());

const clock = 1_800_000_000_000;
let prefixes = 0;
function budget() {
  prefixes += 1;
  const shared = new RateBudget(redis, { keyPrefix: `${redisPrefix()}:probe-${prefixes}:`, now: () => clock, resetMarginMs: 0, leaseMs: 30_000 });
  return new ScopedRateBudget(shared, { api: 'x', credential: credentialFingerprint('token-for-tests') });
}
const answer = { data: { ok: true }, headers: {}, rateLimit: { limit: 5, remaining: 3, reset: Math.floor(clock / 1000) + 900 } } as unknown as TwitterResponse<unknown>;

describe('a request while another worker probes the window', () => {
  it('waits for the probe to come back, then is sent within the window it learnt', async () => {
    const scoped = budget();
    const probe = await scoped.reserve('tweets');
    if (!probe.granted) throw new Error('the first reservation should be the probe');
    let sent = 0;
    const request = sendWithinBudget(scoped, 'tweets', () => ((sent += 1), Promise.resolve(answer)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toBe(0);
    await probe.settle({ kind: 'window', limit: 5, remaining: 4, resetAt: new Date(clock + 900_000) });
    await expect(request).resolves.toBe(answer);
    expect(sent).toBe(1);
  });

  it('gives up as rate-limited, without sending, when the probe never comes back', async () => {
    const scoped = budget();
    expect((await scoped.reserve('tweets')).granted).toBe(true);
    let sent = 0;
    const started = Date.now();
    const error: unknown = await sendWithinBudget(scoped, 'tweets', () => ((sent += 1), Promise.resolve(answer))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).message).toContain('probing');
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROBE_WAIT_MS);
    expect(sent).toBe(0);
  });
});
