import { afterEach, expect } from 'vitest';
import type { FakeXApi } from '../../../src/simulators/x-api/server.js';
import type { XTweetRecord, XUserRecord } from '../../../src/simulators/x-api/types.js';
import { specViolations } from './spec-validator.js';

export const TOKEN = 'test-bearer-token-not-secret';

/** After each test, every body the fake served since the last check must conform to X's spec. */
export function validateEveryResponse(getFake: () => FakeXApi | undefined): void {
  let checked = 0;
  afterEach(() => {
    const fake = getFake();
    if (!fake) return;
    const log = fake.requests();
    const fresh = log.slice(checked);
    checked = log.length;
    const violations = fresh.flatMap((entry) => specViolations(entry));
    expect(violations).toEqual([]);
  });
}

export function user(id: string, username: string, extra: Partial<XUserRecord> = {}): XUserRecord {
  return {
    id,
    name: username,
    username,
    created_at: '2015-01-01T00:00:00.000Z',
    verified: false,
    protected: false,
    public_metrics: { followers_count: 10, following_count: 10, tweet_count: 10, listed_count: 0 },
    ...extra,
  };
}

export function post(id: string, text: string, authorId: string, createdAt: string, extra: Partial<XTweetRecord> = {}): XTweetRecord {
  return {
    id,
    text,
    author_id: authorId,
    created_at: createdAt,
    conversation_id: id,
    lang: 'en',
    edit_history_tweet_ids: [id],
    public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 4, bookmark_count: 5, impression_count: 6 },
    ...extra,
  };
}

export async function getJson(fake: FakeXApi, pathAndQuery: string, token = TOKEN): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const response = await fetch(`${fake.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}
