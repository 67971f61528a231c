import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/ingestion/errors.js';
import { credentialFingerprint, RateBudget } from '../../../src/ingestion/rate-budget.js';
import { createXClient } from '../../../src/sources/x/client.js';
import { XSearchCollector } from '../../../src/sources/x/search-collector.js';
import { generateXDataset, startFakeXApi, type FakeXApi, type RequestLogEntry } from '../../../src/simulators/x-api/index.js';
import type { SourceCursor } from '../../../src/store/sources.js';
import { redisPrefix, TEST_REDIS_URL } from '../../support/db.js';

// Two workers (each with its own X client and its own Redis connection) share one small window on
// the fake: 20 requests per 2 s. Together they must never draw a 429 and must use the window fully.

const TOKEN = 'shared-budget-token-0123456789';
const LIMIT = 20;
const WINDOW_MS = 2_000;
let fake: FakeXApi;
const connections: Redis[] = [];

beforeAll(() => {
  connections.push(new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL));
});
afterAll(() => {
  for (const c of connections) c.disconnect();
});
afterEach(async () => fake.close());

async function startFake(): Promise<void> {
  const dataset = generateXDataset({ seed: 11, count: 400, start: new Date(Date.now() - 3 * 86_400_000), end: new Date(Date.now() - 3_600_000) });
  fake = await startFakeXApi({ bearerToken: TOKEN, dataset, rateLimits: { 'search/recent': { limit: LIMIT, windowMs: WINDOW_MS } } });
}

/** Fetches pages until `deadline`, starting a new pass whenever one ends and waiting out every RateLimitedError. */
async function drive(collector: XSearchCollector, deadline: number): Promise<{ pages: number; waits: number }> {
  let cursor: SourceCursor = {};
  let pages = 0;
  let waits = 0;
  while (Date.now() < deadline) {
    try {
      const page = await collector.fetchPage(cursor);
      pages += 1;
      cursor = page.done ? {} : page.cursor;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      waits += 1;
      await sleep(Math.max(0, Math.min(error.resetAt.getTime() - Date.now(), deadline - Date.now())));
    }
  }
  return { pages, waits };
}

/** The fake's windows as its limiter opens them: each starts at the first request after the last one ended. */
function windowsOf(log: readonly RequestLogEntry[], deadline: number): { closed: number; usedInClosed: number } {
  let start: number | undefined;
  let closed = 0;
  let usedInClosed = 0;
  let used = 0;
  for (const entry of log) {
    const at = entry.at.getTime();
    if (start === undefined || at >= start + WINDOW_MS) {
      if (start !== undefined) {
        closed += 1;
        usedInClosed += used;
      }
      start = at;
      used = 0;
    }
    if (entry.status === 200) used += 1;
  }
  if (start !== undefined && start + WINDOW_MS <= deadline) {
    closed += 1;
    usedInClosed += used;
  }
  return { closed, usedInClosed };
}

const collectorFor = (budget?: RateBudget) =>
  new XSearchCollector({
    client: createXClient({ bearerToken: TOKEN, baseUrl: fake.url }),
    query: '#RSAhealth',
    maxResults: 10,
    ...(budget ? { rateBudget: budget.for({ api: 'x', credential: credentialFingerprint(TOKEN) }) } : {}),
  });

describe('a rate-limit window shared by two workers through Redis', () => {
  it('is used to the full by both together without a single 429', async () => {
    await startFake();
    const prefix = `${redisPrefix('budget')}:ratelimit:`;
    const [a, b] = connections.map((redis) => new RateBudget(redis, { keyPrefix: prefix, resetMarginMs: 0, probeRetryMs: 50 }));
    const started = Date.now();
    const deadline = started + 9_000;
    const [first, second] = await Promise.all([drive(collectorFor(a), deadline), drive(collectorFor(b), deadline)]);

    const log = fake.requests().filter((entry) => entry.endpoint === 'search/recent');
    const tooMany = log.filter((entry) => entry.status === 429).length;
    const ok = log.filter((entry) => entry.status === 200).length;
    const { closed, usedInClosed } = windowsOf(log, deadline);
    const elapsed = Date.now() - started;
    console.info(
      `shared budget: ${ok} requests in ${elapsed} ms (worker A ${first.pages}, worker B ${second.pages}); ` +
        `${usedInClosed} of ${closed * LIMIT} allowed in ${closed} complete windows (${((100 * usedInClosed) / (closed * LIMIT)).toFixed(1)}%); ` +
        `${tooMany} 429s; ${first.waits + second.waits} waits`,
    );
    expect(tooMany).toBe(0);
    expect(first.pages).toBeGreaterThan(0);
    expect(second.pages).toBeGreaterThan(0);
    expect(closed).toBeGreaterThanOrEqual(2);
    expect(usedInClosed / (closed * LIMIT)).toBeGreaterThanOrEqual(0.95);
  }, 20_000);

  it('is needed: without it the same two workers draw 429s from X', async () => {
    await startFake();
    const deadline = Date.now() + 2_500;
    await Promise.all([drive(collectorFor(), deadline), drive(collectorFor(), deadline)]);
    expect(fake.requests().filter((entry) => entry.status === 429).length).toBeGreaterThan(0);
  }, 10_000);
});
