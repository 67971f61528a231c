import { describe, expect, it } from 'vitest';
import { compileQuery, matchableFromTweet, parseQuery, QuerySyntaxError } from '../../../src/simulators/x-api/query.js';
import type { XTweetRecord, XUserRecord } from '../../../src/simulators/x-api/types.js';

const users: XUserRecord[] = [
  { id: '1', name: 'Stockport Together', username: 'StockportTH', created_at: '2015-01-01T00:00:00.000Z', verified: true, protected: false, public_metrics: { followers_count: 1, following_count: 1, tweet_count: 1, listed_count: 0 } },
  { id: '2', name: 'Amira Patel', username: 'AmiraP', created_at: '2016-01-01T00:00:00.000Z', verified: false, protected: false, public_metrics: { followers_count: 1, following_count: 1, tweet_count: 1, listed_count: 0 } },
];

function tweet(text: string, extra: Partial<XTweetRecord> = {}): XTweetRecord {
  return {
    id: '100',
    text,
    author_id: '2',
    created_at: '2026-11-20T10:00:00.000Z',
    conversation_id: '100',
    lang: 'en',
    edit_history_tweet_ids: ['100'],
    public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 },
    ...extra,
  };
}

function matches(query: string, post: XTweetRecord): boolean {
  return compileQuery(query)(matchableFromTweet(post, (id) => users.find((u) => u.id === id)));
}

describe('fake X API query matcher', () => {
  it('matches hashtags case-insensitively, against hashtags only', () => {
    expect(matches('#RSAhealth', tweet('Great day #rsahealth'))).toBe(true);
    expect(matches('#rsahealth', tweet('Great day #RSAHEALTH'))).toBe(true);
    expect(matches('#RSAhealth', tweet('Great day for RSAhealth'))).toBe(false);
    expect(matches('#RSA', tweet('Great day #RSAhealth'))).toBe(false);
  });

  it('matches bare keywords as whole tokens, case-insensitively, including inside hashtags', () => {
    expect(matches('nhs', tweet('The NHS cannot do it alone'))).toBe(true);
    expect(matches('health', tweet('healthy communities'))).toBe(false);
    expect(matches('stockport', tweet('Out and about #Stockport'))).toBe(true);
  });

  it('treats juxtaposed terms as AND', () => {
    expect(matches('NHS movement', tweet('the NHS and the movement'))).toBe(true);
    expect(matches('NHS movement', tweet('the NHS alone'))).toBe(false);
  });

  it('matches quoted phrases as consecutive words', () => {
    expect(matches('"social movement"', tweet('Health as a social movement!'))).toBe(true);
    expect(matches('"social movement"', tweet('a movement that is social'))).toBe(false);
    expect(matches('Ashton-under-Lyne', tweet('Meeting in Ashton-under-Lyne today'))).toBe(true);
  });

  it('supports OR, with AND binding tighter than OR', () => {
    expect(matches('Oldham OR Tameside', tweet('Hello Tameside'))).toBe(true);
    expect(matches('Oldham OR Tameside', tweet('Hello Stockport'))).toBe(false);
    // a b OR c  means  (a b) OR c
    expect(matches('carers cafe OR Hyde', tweet('Hyde market'))).toBe(true);
    expect(matches('carers cafe OR Hyde', tweet('carers only'))).toBe(false);
  });

  it('groups with parentheses', () => {
    expect(matches('(Oldham OR Tameside) #RSAhealth', tweet('Tameside #RSAhealth'))).toBe(true);
    expect(matches('(Oldham OR Tameside) #RSAhealth', tweet('Tameside only'))).toBe(false);
    expect(matches('((Oldham OR Hyde) (walk OR run))', tweet('Hyde run club'))).toBe(true);
  });

  it('negates a term or a group', () => {
    expect(matches('#RSAhealth -Stockport', tweet('#RSAhealth in Oldham'))).toBe(true);
    expect(matches('#RSAhealth -Stockport', tweet('#RSAhealth in Stockport'))).toBe(false);
    expect(matches('#RSAhealth -(Oldham OR Hyde)', tweet('#RSAhealth in Hyde'))).toBe(false);
    expect(matches('#RSAhealth -"social movement"', tweet('#RSAhealth a social movement'))).toBe(false);
  });

  it('filters by author with from:, by handle or id, case-insensitively', () => {
    expect(matches('from:amirap', tweet('anything'))).toBe(true);
    expect(matches('from:2', tweet('anything'))).toBe(true);
    expect(matches('from:StockportTH', tweet('anything'))).toBe(false);
  });

  it('filters by language with lang:', () => {
    expect(matches('#RSAhealth lang:cy', tweet('Iechyd #RSAhealth', { lang: 'cy' }))).toBe(true);
    expect(matches('#RSAhealth lang:en', tweet('Iechyd #RSAhealth', { lang: 'cy' }))).toBe(false);
  });

  it('tells retweets, replies and quotes apart with is:', () => {
    const retweet = tweet('RT @StockportTH: #RSAhealth day', { referenced_tweets: [{ type: 'retweeted', id: '1' }] });
    const reply = tweet('@StockportTH yes #RSAhealth', { referenced_tweets: [{ type: 'replied_to', id: '1' }], in_reply_to_user_id: '1' });
    const quote = tweet('Look #RSAhealth', { referenced_tweets: [{ type: 'quoted', id: '1' }] });
    const original = tweet('Plain #RSAhealth');
    expect([retweet, reply, quote, original].map((t) => matches('#RSAhealth is:retweet', t))).toEqual([true, false, false, false]);
    expect([retweet, reply, quote, original].map((t) => matches('#RSAhealth -is:retweet', t))).toEqual([false, true, true, true]);
    expect([retweet, reply, quote, original].map((t) => matches('#RSAhealth is:reply', t))).toEqual([false, true, false, false]);
    expect([retweet, reply, quote, original].map((t) => matches('#RSAhealth is:quote', t))).toEqual([false, false, true, false]);
    expect(matches('to:StockportTH', reply)).toBe(true);
  });

  it('matches mentions with @', () => {
    expect(matches('@StockportTH', tweet('thanks @stockportth'))).toBe(true);
    expect(matches('@StockportTH', tweet('thanks StockportTH'))).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['(#RSAhealth', "missing ')'"],
    ['#RSAhealth)', "unmatched ')'"],
    ['()', 'empty group'],
    ['OR #RSAhealth', 'OR at the start'],
    ['#RSAhealth OR', 'OR at the end'],
    ['"social movement', 'unterminated phrase'],
    ['-#RSAhealth', 'only negations'],
    ['#RSAhealth - Stockport', 'a dangling minus'],
    ['#RSAhealth foo:bar', 'an unknown operator'],
    ['is:sleeping #RSAhealth', 'an unknown is: value'],
    ['#', 'an empty hashtag'],
  ])('rejects %j (%s) with a positioned syntax error', (query) => {
    expect(() => parseQuery(query)).toThrow(QuerySyntaxError);
    try {
      parseQuery(query);
    } catch (error) {
      expect((error as QuerySyntaxError).position).toBeGreaterThanOrEqual(1);
      expect((error as QuerySyntaxError).message).toMatch(/\(at position \d+\)$/u);
    }
  });

  it('keeps lowercase "or" as a keyword, as X does', () => {
    expect(matches('walk or run', tweet('walk or run'))).toBe(true);
    expect(matches('walk or run', tweet('walk run'))).toBe(false);
  });
});
