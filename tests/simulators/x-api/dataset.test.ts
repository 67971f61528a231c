import { describe, expect, it } from 'vitest';
import { generateLiveActivity, generateXDataset } from '../../../src/simulators/x-api/dataset.js';
import { snowflakeTime } from '../../../src/simulators/x-api/snowflake.js';

const START = new Date('2026-11-06T00:00:00.000Z');
const END = new Date('2026-11-27T00:00:00.000Z');
const LAUNCH = new Date('2026-11-20T10:00:00.000Z');
const options = { seed: 7, count: 1200, start: START, end: END, launches: [LAUNCH] };

describe('campaign dataset generator', () => {
  const dataset = generateXDataset(options);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateXDataset(options)).toEqual(dataset);
    expect(generateXDataset({ ...options, seed: 8 }).tweets[0]?.text === dataset.tweets[0]?.text && generateXDataset({ ...options, seed: 8 }).tweets[0]?.id === dataset.tweets[0]?.id).toBe(false);
  });

  it('makes snowflake ids that rise with created_at, inside the range', () => {
    expect(dataset.tweets).toHaveLength(1200);
    for (let i = 1; i < dataset.tweets.length; i += 1) {
      const previous = dataset.tweets[i - 1];
      const current = dataset.tweets[i];
      expect(BigInt(current?.id ?? 0)).toBeGreaterThan(BigInt(previous?.id ?? 0));
    }
    for (const tweet of dataset.tweets) {
      const idTime = snowflakeTime(tweet.id).getTime();
      expect(Math.floor(idTime / 1000) * 1000).toBe(Date.parse(tweet.created_at));
      expect(idTime).toBeGreaterThanOrEqual(START.getTime());
      expect(idTime).toBeLessThan(END.getTime());
    }
  });

  it('spikes after the launch and decays', () => {
    const inWindow = (fromH: number, toH: number): number =>
      dataset.tweets.filter((t) => {
        const h = (Date.parse(t.created_at) - LAUNCH.getTime()) / 3_600_000;
        return h >= fromH && h < toH;
      }).length;
    expect(inWindow(0, 24)).toBeGreaterThan(3 * inWindow(-24, 0));
    expect(inWindow(0, 24)).toBeGreaterThan(2 * inWindow(72, 96));
  });

  it('mixes posts, replies, quotes, retweets, other languages and off-hashtag posts, all threaded consistently', () => {
    const byId = new Map(dataset.tweets.map((t) => [t.id, t]));
    const users = new Map(dataset.users.map((u) => [u.id, u]));
    const kinds = { retweeted: 0, replied_to: 0, quoted: 0 };
    for (const tweet of dataset.tweets) {
      expect(users.has(tweet.author_id)).toBe(true);
      for (const reference of tweet.referenced_tweets ?? []) {
        kinds[reference.type] += 1;
        const target = byId.get(reference.id);
        expect(target).toBeDefined();
        expect(BigInt(reference.id)).toBeLessThan(BigInt(tweet.id));
        if (reference.type === 'retweeted') expect(tweet.text.startsWith(`RT @${users.get(target?.author_id ?? '')?.username}: `)).toBe(true);
        if (reference.type === 'replied_to') expect(tweet.in_reply_to_user_id).toBe(target?.author_id);
      }
      if (tweet.geo) expect(dataset.places.some((p) => p.id === tweet.geo?.place_id)).toBe(true);
    }
    expect(kinds.retweeted).toBeGreaterThan(100);
    expect(kinds.replied_to).toBeGreaterThan(50);
    expect(kinds.quoted).toBeGreaterThan(30);
    expect(dataset.tweets.filter((t) => !/#rsahealth/iu.test(t.text)).length).toBeGreaterThan(20);
    expect(new Set(dataset.tweets.map((t) => t.lang)).size).toBeGreaterThan(1);
    expect(dataset.tweets.filter((t) => t.geo).length).toBeGreaterThan(10);
  });

  it('places authors in the three localities and elsewhere, with valid handles', () => {
    const locations = dataset.users.map((u) => u.location ?? '');
    for (const town of ['Stockport', 'Oldham', 'Tameside', 'Bramhall', 'Marple', 'Chadderton', 'Saddleworth', 'Ashton-under-Lyne', 'Hyde', 'Stalybridge']) {
      expect(locations.some((l) => l.includes(town)), town).toBe(true);
    }
    expect(locations.some((l) => /London|Leeds|Bristol|Glasgow/u.test(l))).toBe(true);
    for (const u of dataset.users) expect(u.username).toMatch(/^[A-Za-z0-9_]{1,15}$/u);
    expect(new Set(dataset.users.map((u) => u.username.toLowerCase())).size).toBe(dataset.users.length);
  });

  it('continues with live activity whose ids follow the dataset', () => {
    const from = new Date(END.getTime() - 60_000);
    const live = generateLiveActivity({ seed: 7, dataset, from, minutes: 5 });
    expect(live).toEqual(generateLiveActivity({ seed: 7, dataset, from, minutes: 5 }));
    expect(live.tweets.length).toBeGreaterThan(0);
    const newest = BigInt(dataset.tweets.at(-1)?.id ?? '0');
    for (const tweet of live.tweets) expect(BigInt(tweet.id)).toBeGreaterThan(newest);
    expect(live.metricUpdates.length).toBeGreaterThan(0);
    expect(dataset.tweets).toEqual(generateXDataset(options).tweets);
  });
});
