import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RateLimitedError, RetryableError } from '../../../src/ingestion/errors.js';
import { startFakeWordPress, type FakeWordPress } from '../../../src/simulators/wordpress/index.js';
import { linksWithRel } from '../../../src/sources/http/link-header.js';
import { PoliteFetcher } from '../../../src/sources/http/polite-fetcher.js';
import { parseRetryAfter } from '../../../src/sources/http/retry-after.js';
import { smallBlog } from '../wordpress/support.js';

let wp: FakeWordPress;
const comments = () => `${wp.url}/wp-json/wp/v2/comments`;

beforeAll(async () => {
  wp = await startFakeWordPress({ dataset: smallBlog() });
});
afterAll(async () => wp.close());
beforeEach(() => {
  wp.clearFaults();
  wp.clearRequests();
});

describe('the polite fetcher', () => {
  it('sends one request at a time to a host, with the minimum gap after each', async () => {
    const fetcher = new PoliteFetcher({ minIntervalMs: 60 });
    wp.injectFault({ kind: 'delay', ms: 150 }, { times: 1 });
    await Promise.all([1, 2, 3].map((page) => fetcher.get({ url: `${comments()}?page=${page}`, accept: 'application/json' })));
    const [first, second, third] = wp.requests();
    // The second waited for the delayed first to finish, then for the gap.
    expect(second!.monotonicMs - first!.monotonicMs).toBeGreaterThanOrEqual(150 + 55);
    expect(third!.monotonicMs - second!.monotonicMs).toBeGreaterThanOrEqual(55);
    expect(wp.requests().every((r) => r.userAgent === 'Groundswell/0.1 (campaign-engagement tracker)')).toBe(true);
  });

  it('turns 429 and 503 with Retry-After into a rate-limit wait, and sends nothing to that host until it is over', async () => {
    let now = Date.parse('2026-07-20T12:00:00Z');
    const fetcher = new PoliteFetcher({ minIntervalMs: 0, clock: () => now });
    wp.injectFault({ kind: 'rate-limited', retryAfterSeconds: 90 }, { times: 1 });
    const limited = await fetcher.get({ url: comments(), accept: 'application/json' }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).resetAt).toEqual(new Date(now + 90_000));

    await expect(fetcher.get({ url: `${wp.url}/comments/feed/`, accept: '*/*' })).rejects.toThrow(/asked Groundswell to wait until 2026-07-20T12:01:30\.000Z .*no request was sent/);
    expect(wp.requests()).toHaveLength(1);

    now += 91_000;
    wp.injectFault({ kind: 'unavailable', retryAfterSeconds: 600 }, { times: 1 });
    await expect(fetcher.get({ url: comments(), accept: 'application/json' })).rejects.toMatchObject({ kind: 'rate-limited', resetAt: new Date(now + 600_000) });
    expect(wp.requests()).toHaveLength(2);
  });

  it('times out a request that never answers, and lets the pass cancel one', async () => {
    wp.injectFault({ kind: 'hang' });
    const fetcher = new PoliteFetcher({ minIntervalMs: 0, timeoutMs: 200 });
    await expect(fetcher.get({ url: comments(), accept: 'application/json' })).rejects.toMatchObject({ kind: 'retryable', code: 'HTTP_TIMEOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(new PoliteFetcher({ minIntervalMs: 0 }).get({ url: comments(), accept: 'application/json', signal: controller.signal })).rejects.toMatchObject({ code: 'HTTP_ABORTED' });
  });

  it('stops reading a body past the size cap and closes the connection', async () => {
    wp.injectFault({ kind: 'huge' }, { times: 1 });
    const started = Date.now();
    const error = await new PoliteFetcher({ minIntervalMs: 0, maxBytes: 1024 * 1024 }).get({ url: comments(), accept: 'application/json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', message: expect.stringContaining('sent more than 1 MB') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('follows redirects itself and stops at a loop or too many hops', async () => {
    const fetcher = new PoliteFetcher({ minIntervalMs: 0 });
    const post = wp.posts().find((p) => p.status === 'publish')!;
    const followed = await fetcher.get({ url: `${wp.url}/?p=${post.id}`, accept: 'text/html' });
    expect(followed).toMatchObject({ status: 200, url: `${wp.url}/${post.slug}/` });

    wp.injectFault({ kind: 'redirect-loop' });
    await expect(fetcher.get({ url: comments(), accept: 'application/json' })).rejects.toMatchObject({ code: 'REDIRECT_LOOP' });
  });

  it('makes conditional requests and reports 304', async () => {
    const fetcher = new PoliteFetcher({ minIntervalMs: 0 });
    const first = await fetcher.get({ url: `${wp.url}/comments/feed/`, accept: 'application/rss+xml' });
    const again = await fetcher.get({ url: `${wp.url}/comments/feed/`, accept: 'application/rss+xml', etag: first.headers.get('etag'), lastModified: first.headers.get('last-modified') });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('retries nothing itself: 5xx and network failures are retryable errors for the pass to handle', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const fetcher = new PoliteFetcher({ minIntervalMs: 0 });
    try {
      await expect(fetcher.get({ url: `http://127.0.0.1:${port}/`, accept: '*/*' })).rejects.toMatchObject({ code: 'HTTP_SERVER_ERROR' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const refused = await fetcher.get({ url: `http://127.0.0.1:${port}/`, accept: '*/*' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused).toMatchObject({ code: 'HTTP_NETWORK', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('sends credentials from the URL only to that URL’s origin, and never shows them', async () => {
    const fetcher = new PoliteFetcher({ minIntervalMs: 0 });
    const withCredentials = wp.url.replace('http://', 'http://reader:hunter2@');
    await fetcher.get({ url: `${withCredentials}/`, accept: 'text/html' });
    expect(wp.requests().at(-1)!.authorization).toBe(true);
    wp.injectFault({ kind: 'redirect-loop' });
    const error = await fetcher.get({ url: `${withCredentials}/wp-json/`, accept: 'application/json' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REDIRECT_LOOP' });
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('HTTP header parsing', () => {
  it('reads Retry-After as seconds or a date', () => {
    const now = Date.parse('2026-07-20T12:00:00Z');
    expect(parseRetryAfter('120', now)).toEqual(new Date(now + 120_000));
    expect(parseRetryAfter('Mon, 20 Jul 2026 12:05:00 GMT', now)).toEqual(new Date('2026-07-20T12:05:00Z'));
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('finds a relation among several links, quoted or not', () => {
    const header = '<https://b.example/wp-json/>; rel="https://api.w.org/", </?p=5>; rel=shortlink, <https://b.example/x>; rel="alternate"; type="application/json"';
    expect(linksWithRel(header, 'https://api.w.org/', 'https://b.example/post/')).toEqual(['https://b.example/wp-json/']);
    expect(linksWithRel(header, 'shortlink', 'https://b.example/post/')).toEqual(['https://b.example/?p=5']);
    expect(linksWithRel(null, 'shortlink', 'https://b.example/')).toEqual([]);
  });
});
