import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError } from '../../src/ingestion/errors.js';
import { credentialFingerprint, RateBudget, type RateReservation } from '../../src/ingestion/rate-budget.js';
import { redisPrefix, TEST_REDIS_URL } from '../support/db.js';

// A fixed clock: windows, leases and resets are all judged by `now`, so these tests never wait.
let clock = 1_800_000_000_000;
let redis: Redis;
let other: Redis;
beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
  other = new Redis(TEST_REDIS_URL);
});
afterAll(() => {
  redis.disconnect();
  other.disconnect();
});

const scope = { api: 'x', credential: credentialFingerprint('token-for-tests') };
function budgets(connection = redis, prefix = `${redisPrefix()}:ratelimit:`) {
  return new RateBudget(connection, { keyPrefix: prefix, now: () => clock, resetMarginMs: 0, leaseMs: 30_000, probeRetryMs: 200 });
}
const granted = (r: RateReservation) => {
  if (!r.granted) throw new Error(`expected a slot, got a refusal until ${r.retryAt.toISOString()}`);
  return r;
};
const window = (limit: number, remaining: number, resetInMs: number) => ({ kind: 'window' as const, limit, remaining, resetAt: new Date(clock + resetInMs) });

describe('the shared rate-limit budget', () => {
  it('lets one probe through while the window is unknown, then spends exactly what the headers allow', async () => {
    const budget = budgets();
    const probe = granted(await budget.reserve(scope, 'tweets'));
    const waiting = await budget.reserve(scope, 'tweets');
    expect(waiting).toMatchObject({ granted: false, reason: 'probe-in-flight', retryAt: new Date(clock + 200) });

    await probe.settle(window(5, 4, 10_000));
    const slots = [];
    for (let i = 0; i < 4; i += 1) slots.push(granted(await budget.reserve(scope, 'tweets')));
    expect(await budget.reserve(scope, 'tweets')).toMatchObject({ granted: false, reason: 'window-spent', retryAt: new Date(clock + 10_000) });

    for (const [i, slot] of slots.entries()) await slot.settle(window(5, 3 - i, 10_000));

    // Once the reset has passed, the window is unknown again: one probe.
    clock += 10_000;
    granted(await budget.reserve(scope, 'tweets'));
    expect((await budget.reserve(scope, 'tweets')).granted).toBe(false);
  });

  it('is shared by separate connections (worker processes) and keeps endpoints and credentials apart', async () => {
    const prefix = `${redisPrefix()}:ratelimit:`;
    const a = budgets(redis, prefix);
    const b = budgets(other, prefix);
    await granted(await a.reserve(scope, 'tweets')).settle(window(2, 1, 10_000));
    granted(await b.reserve(scope, 'tweets'));
    expect((await a.reserve(scope, 'tweets')).granted).toBe(false);
    expect((await b.reserve(scope, 'tweets/search/recent')).granted).toBe(true);
    expect((await b.reserve({ ...scope, credential: credentialFingerprint('another-token') }, 'tweets')).granted).toBe(true);
  });

  it('counts requests in flight, and answers arriving out of order never raise what is left', async () => {
    const budget = budgets();
    await granted(await budget.reserve(scope, 'tweets')).settle(window(10, 9, 10_000));
    const first = granted(await budget.reserve(scope, 'tweets'));
    const second = granted(await budget.reserve(scope, 'tweets'));
    // The server counted `first` (remaining 8) and then `second` (remaining 7); the second answer arrives first.
    await second.settle(window(10, 7, 10_000));
    await first.settle(window(10, 8, 10_000));
    const left = [];
    for (;;) {
      const r = await budget.reserve(scope, 'tweets');
      if (!r.granted) break;
      left.push(r);
    }
    expect(left).toHaveLength(7);
  });

  it('records a 429 as nothing left until the reset X gave', async () => {
    const budget = budgets();
    await granted(await budget.reserve(scope, 'tweets')).settle(window(100, 90, 60_000));
    await granted(await budget.reserve(scope, 'tweets')).settle({ kind: 'rate-limited', resetAt: new Date(clock + 30_000) });
    expect(await budget.reserve(scope, 'tweets')).toMatchObject({ granted: false, retryAt: new Date(clock + 60_000) });

    const fresh = budgets();
    await granted(await fresh.reserve(scope, 'tweets')).settle({ kind: 'rate-limited', resetAt: new Date(clock + 30_000) });
    expect(await fresh.reserve(scope, 'tweets')).toMatchObject({ granted: false, reason: 'window-spent', retryAt: new Date(clock + 30_000) });
  });

  it('frees the slot of a request that was never settled once its lease runs out', async () => {
    const budget = budgets();
    granted(await budget.reserve(scope, 'tweets'));
    expect((await budget.reserve(scope, 'tweets')).granted).toBe(false);
    clock += 30_001;
    expect((await budget.reserve(scope, 'tweets')).granted).toBe(true);
  });

  it('lives only in Redis: its key expires at the reset and never names the token', async () => {
    const prefix = `${redisPrefix()}:ratelimit:`;
    const budget = new RateBudget(redis, { keyPrefix: prefix, resetMarginMs: 0 });
    const now = Date.now();
    await granted(await budget.reserve(scope, 'tweets')).settle({ kind: 'window', limit: 5, remaining: 4, resetAt: new Date(now + 4_000) });
    const key = budget.keyFor(scope, 'tweets');
    expect(key).toBe(`${prefix}x:tweets:${scope.credential}`);
    expect(key).not.toContain('token-for-tests');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(2_000);
    expect(ttl).toBeLessThanOrEqual(4_000);
    expect(await redis.hgetall(key)).toMatchObject({ limit: '5', used: '1' });
  });

  it('refuses to send anything when Redis cannot be asked', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    unreachable.on('error', () => {});
    try {
      await expect(budgets(unreachable).reserve(scope, 'tweets')).rejects.toBeInstanceOf(RetryableError);
    } finally {
      unreachable.disconnect();
    }
  });
});
