import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/ingestion/errors.js';
import { createXClient } from '../../../src/sources/x/client.js';
import { createTweetLookup, readLookupResponse } from '../../../src/sources/x/lookup.js';
import { startFakeXApi, type FakeXApi } from '../../../src/simulators/x-api/index.js';
import { readSharedJson } from '../../support/shared.js';
import { post, user } from '../../simulators/x-api/support.js';

const TOKEN = 'lookup-test-token-0123456789';
let fake: FakeXApi;
beforeAll(async () => {
  fake = await startFakeXApi({
    bearerToken: TOKEN,
    dataset: {
      users: [user('100', 'alice'), user('200', 'bob')],
      tweets: [
        post('1800000000000000001', 'first #RSAhealth', '100', '2026-11-20T10:00:00.000Z'),
        post('1800000000000000002', 'second #RSAhealth', '100', '2026-11-20T10:01:00.000Z'),
        post('1800000000000000003', 'third #RSAhealth', '200', '2026-11-20T10:02:00.000Z'),
      ],
    },
  });
});
afterAll(async () => fake.close());

describe('reading a tweets lookup', () => {
  it("sorts X's partial errors into deleted and not-authorised posts", () => {
    const result = readLookupResponse(readSharedJson('x-api', 'samples', 'tweets-lookup.partial-errors.json'), ['1346889436626259968', '1346880000000000001', '1346870000000000000']);
    expect(result.found).toEqual([
      { id: '1346889436626259968', firstId: '1346889436626259968', editHistoryIds: ['1346889436626259968'], metrics: { likes: 61, reposts: 15, replies: 4, quotes: 2, impressions: 3120 } },
    ]);
    expect(result.removed).toEqual([
      { platform: 'x', externalId: '1346880000000000001', reason: 'deleted' },
      { platform: 'x', externalId: '1346870000000000000', reason: 'not-authorized' },
    ]);
    expect(result.unaccounted).toEqual([]);
  });

  it('reads a lookup where nothing was found, and leaves ids X said nothing about alone', () => {
    const result = readLookupResponse(readSharedJson('x-api', 'samples', 'tweets-lookup.all-missing.json'), ['1346880000000000001', '1346880000000000002']);
    expect(result.found).toEqual([]);
    expect(result.removed).toEqual([{ platform: 'x', externalId: '1346880000000000001', reason: 'deleted' }]);
    expect(result.unaccounted).toEqual(['1346880000000000002']);
  });

  it('rejects a malformed body whole, and drops a malformed post with a reason', () => {
    expect(() => readLookupResponse({ data: { id: '1' } }, ['1'])).toThrow(PermanentError);
    const result = readLookupResponse({ data: [{ id: '5', text: 'no date', author_id: '1' }] }, ['5']);
    expect(result.found).toEqual([]);
    expect(result.dropped).toMatchObject([{ reason: 'malformed-tweet' }]);
  });
});

describe('GET /2/tweets through twitter-api-v2', () => {
  const lookup = (token = TOKEN) => createTweetLookup({ client: createXClient({ bearerToken: token, baseUrl: fake.url }) });

  it('asks for at most 100 ids and only the fields a refresh needs, and reports deleted and protected posts', async () => {
    fake.deleteTweet('1800000000000000002');
    fake.protectUser('200');
    fake.clearRequests();
    const result = await lookup()(['1800000000000000001', '1800000000000000002', '1800000000000000003']);
    expect(result.found.map((p) => p.id)).toEqual(['1800000000000000001']);
    expect(result.removed).toEqual([
      { platform: 'x', externalId: '1800000000000000002', reason: 'deleted' },
      { platform: 'x', externalId: '1800000000000000003', reason: 'not-authorized' },
    ]);
    const [request] = fake.requests();
    expect(request?.query).toEqual({ ids: '1800000000000000001,1800000000000000002,1800000000000000003', 'tweet.fields': 'created_at,author_id,public_metrics,edit_history_tweet_ids' });
    await expect(lookup()(Array.from({ length: 101 }, (_, i) => String(1_800_000_000_000_000_100n + BigInt(i))))).rejects.toThrow(RangeError);
  });

  it('fails a refused token with a message naming the setting, never the token', async () => {
    const error: unknown = await lookup('wrong-token-secret-xyz')(['1800000000000000001']).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent', code: 'X_UNAUTHORIZED' });
    expect(String((error as Error).message)).toContain('X_BEARER_TOKEN');
    expect(JSON.stringify(error)).not.toContain('wrong-token-secret-xyz');
    expect(String((error as Error).message)).not.toContain('wrong-token-secret-xyz');
  });
});
