import { describe, expect, it } from 'vitest';
import { AnalyticsCache, analyticsKey } from '../../src/http/analytics-cache.js';

describe('the analytics answer cache', () => {
  it('reuses an answer while it is fresh and computes again after', async () => {
    let now = 1_000;
    let computed = 0;
    const cache = new AnalyticsCache(10_000, 100, () => now);
    const compute = () => Promise.resolve((computed += 1));
    expect(await cache.get('a', compute)).toBe(1);
    now += 9_999;
    expect(await cache.get('a', compute)).toBe(1);
    expect(await cache.get('b', compute)).toBe(2);
    now += 1;
    expect(await cache.get('a', compute)).toBe(3);
  });

  it('shares one computation between identical requests arriving together', async () => {
    const cache = new AnalyticsCache(10_000);
    let computed = 0;
    let release: (value: string) => void = () => undefined;
    const compute = () => {
      computed += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.get('same', compute);
    const second = cache.get('same', compute);
    release('answer');
    expect(await Promise.all([first, second])).toEqual(['answer', 'answer']);
    expect(computed).toBe(1);
  });

  it('never keeps a failure', async () => {
    const cache = new AnalyticsCache(10_000);
    await expect(cache.get('k', () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await cache.get('k', () => Promise.resolve('recovered'))).toBe('recovered');
  });

  it('drops the oldest answers beyond its size, and keeps nothing with a zero lifetime', async () => {
    const cache = new AnalyticsCache(10_000, 2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, () => Promise.resolve(key));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', () => Promise.resolve('a again'))).toBe('a again');

    const off = new AnalyticsCache(0);
    let computed = 0;
    await off.get('k', () => Promise.resolve((computed += 1)));
    await off.get('k', () => Promise.resolve((computed += 1)));
    expect(computed).toBe(2);
    expect(off.size).toBe(0);
  });

  it('keys on the query and every parsed parameter', () => {
    expect(analyticsKey('series', { campaign: 'hsm', launch: 'primer', before: 14 })).not.toBe(analyticsKey('series', { campaign: 'hsm', launch: 'primer', before: 7 }));
    expect(analyticsKey('series', { campaign: 'hsm' })).not.toBe(analyticsKey('lift', { campaign: 'hsm' }));
  });
});
