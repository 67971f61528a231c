import { describe, expect, it } from 'vitest';
import { classifyTweet, normaliseTweets } from '../../../src/sources/x/normalise.js';
import { tweetsEnvelopeSchema } from '../../../src/sources/x/payload.js';
import { readSharedJson } from '../../support/shared.js';

const page = () => tweetsEnvelopeSchema.parse(readSharedJson('x-api', 'samples', 'search-recent.page1.json'));

describe('normalising X search results', () => {
  it('turns the spec sample page into posts with authors, places, metrics and kinds', () => {
    const { posts, authors, dropped } = normaliseTweets(page());
    expect(dropped).toEqual([]);
    const first = posts.find((p) => p.externalId === '1346889436626259968')!;
    expect(first).toMatchObject({
      platform: 'x',
      kind: 'post',
      authorExternalId: '2244994945',
      url: 'https://x.com/XDevelopers/status/1346889436626259968',
      metrics: { likes: 48, reposts: 12, replies: 3, quotes: 2, impressions: 2317 },
      place: { id: 'f7eb2fa2fea288b1', fullName: 'Lakewood, CO' },
      relation: 'match',
    });
    expect(first.createdAt.toISOString()).toBe('2021-01-06T18:40:40.000Z');
    const reply = posts.find((p) => p.externalId === '1346880000000000001')!;
    expect(reply).toMatchObject({ kind: 'reply', parentExternalId: '1346870000000000000' });
    expect(authors.find((a) => a.externalId === '783214')).toMatchObject({ handle: 'X', followersCount: 67_000_000, verified: true });
  });

  it('classifies posts, replies, quotes and reposts', () => {
    expect(classifyTweet({})).toBe('post');
    expect(classifyTweet({ referenced_tweets: [{ type: 'replied_to', id: '1' }] })).toBe('reply');
    expect(classifyTweet({ referenced_tweets: [{ type: 'quoted', id: '1' }] })).toBe('quote');
    expect(classifyTweet({ referenced_tweets: [{ type: 'retweeted', id: '1' }] })).toBe('repost');
    expect(classifyTweet({ referenced_tweets: [{ type: 'quoted', id: '1' }, { type: 'replied_to', id: '2' }] })).toBe('reply');
  });

  it('keys an edited post by its first id so the edit replaces the stored text', () => {
    const { posts } = normaliseTweets({
      data: [{ id: '30', text: 'fixed typo #RSAhealth', created_at: '2026-11-20T10:00:00.000Z', author_id: '1', edit_history_tweet_ids: ['20', '30'] }],
      meta: { result_count: 1 },
    });
    expect(posts[0]).toMatchObject({ externalId: '20', editHistoryIds: ['20', '30'], text: 'fixed typo #RSAhealth' });
  });

  it('drops one malformed tweet with a counted reason and keeps the rest of the page', () => {
    const { posts, dropped } = normaliseTweets({
      data: [
        { id: '1', text: 'ok', created_at: '2026-11-20T10:00:00.000Z', author_id: '9' },
        { id: '2', text: 'no date', author_id: '9' },
      ],
      meta: { result_count: 2 },
    });
    expect(posts.map((p) => p.externalId)).toEqual(['1']);
    expect(dropped).toEqual([{ reason: 'malformed-tweet', detail: expect.stringContaining('tweet 2: created_at') }]);
  });
});
