import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWordPress, type FakeWordPress } from '../../../src/simulators/wordpress/index.js';
import { getJson, smallDataset, xmlProblems, type WpError } from './helpers.js';

describe('fake WordPress fault injection', () => {
  let wp: FakeWordPress;
  const comments = (): string => `${wp.url}/wp-json/wp/v2/comments`;

  beforeAll(async () => {
    wp = await startFakeWordPress({ dataset: smallDataset() });
  });
  afterAll(async () => {
    await wp.close();
  });

  it('serves a 200 HTML error page where JSON was expected, for the next N requests only', async () => {
    const handle = wp.injectFault({ kind: 'html-instead-of-json' }, { times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(comments());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('critical error');
    }
    expect(handle.remaining()).toBe(0);
    expect((await getJson<unknown[]>(comments())).body).toHaveLength(10);
  });

  it('applies a fault only to requests matching its pattern', async () => {
    const handle = wp.injectFault({ kind: 'invalid-xml' }, { match: /\/comments\/feed\// });
    try {
      const feed = await (await fetch(`${wp.url}/comments/feed/`)).text();
      expect(xmlProblems(feed)).not.toEqual([]);
      expect((await fetch(comments())).status).toBe(200);
    } finally {
      handle.clear();
    }
    expect(xmlProblems(await (await fetch(`${wp.url}/comments/feed/`)).text())).toEqual([]);
  });

  it('cuts a JSON body off half-way', async () => {
    wp.injectFault({ kind: 'truncated-json' }, { times: 1 });
    const text = await (await fetch(comments())).text();
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('refuses with 401 and 403 in WordPress’s error shape, or basic auth in front of a feed', async () => {
    wp.injectFault({ kind: 'unauthorized' }, { times: 1 });
    const unauthorized = await getJson<WpError>(comments());
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual({ code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });

    wp.injectFault({ kind: 'unauthorized' }, { times: 1 });
    const feed = await fetch(`${wp.url}/comments/feed/`);
    expect(feed.status).toBe(401);
    expect(feed.headers.get('www-authenticate')).toContain('Basic');

    wp.injectFault({ kind: 'forbidden' }, { times: 1 });
    const forbidden = await getJson<WpError>(comments());
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('rest_forbidden');
  });

  it('plays a site with the REST API disabled, as rest_no_route JSON or a plain HTML 404', async () => {
    wp.injectFault({ kind: 'rest-disabled' }, { times: 1 });
    const json = await getJson<WpError>(comments());
    expect(json.status).toBe(404);
    expect(json.body.code).toBe('rest_no_route');

    wp.injectFault({ kind: 'rest-disabled', style: 'html-404' }, { times: 1 });
    const html = await fetch(comments());
    expect(html.status).toBe(404);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('error404');
  });

  it('redirects back to the same address for ever', async () => {
    const handle = wp.injectFault({ kind: 'redirect-loop' }, { match: '/wp/v2/comments' });
    try {
      const manual = await fetch(comments(), { redirect: 'manual' });
      expect(manual.status).toBe(301);
      expect(manual.headers.get('location')).toBe(comments());
      await expect(fetch(comments())).rejects.toThrow();
    } finally {
      handle.clear();
    }
  });

  it('streams a 50 MB body', async () => {
    wp.injectFault({ kind: 'huge' }, { times: 1 });
    const response = await fetch(comments());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    let bytes = 0;
    let head = '';
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (head.length < 10) head += Buffer.from(value).toString('utf8', 0, 10);
      bytes += value.byteLength;
    }
    expect(head.startsWith('[{')).toBe(true);
    expect(bytes).toBeGreaterThan(50 * 1024 * 1024 - 200);
    expect(bytes).toBeLessThanOrEqual(50 * 1024 * 1024);
  });

  it('stops a huge stream when the client gives up', async () => {
    wp.injectFault({ kind: 'huge', bytes: 200 * 1024 * 1024 }, { times: 1 });
    const controller = new AbortController();
    const response = await fetch(comments(), { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    // The server goes on answering other requests.
    expect((await fetch(comments())).status).toBe(200);
  });

  it('rate-limits with 429 and goes into maintenance with 503, each with Retry-After', async () => {
    wp.injectFault({ kind: 'rate-limited', retryAfterSeconds: 7 }, { times: 1 });
    const limited = await fetch(comments());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await limited.text();

    wp.injectFault({ kind: 'unavailable' }, { times: 1 });
    const maintenance = await fetch(comments());
    expect(maintenance.status).toBe(503);
    expect(maintenance.headers.get('retry-after')).toBe('600');
    expect(await maintenance.text()).toContain('Briefly unavailable for scheduled maintenance');
  });

  it('answers late when delayed', async () => {
    wp.injectFault({ kind: 'delay', ms: 250 }, { times: 1 });
    const started = performance.now();
    const response = await getJson<unknown[]>(comments());
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(response.body).toHaveLength(10);
  });

  it('records every request, with the fault it met and its status', async () => {
    wp.clearRequests();
    wp.injectFault({ kind: 'rate-limited' }, { times: 1 });
    await (await fetch(`${comments()}?per_page=5`, { headers: { 'User-Agent': 'groundswell-test' } })).text();
    await (await fetch(`${comments()}?per_page=5&page=2`)).text();
    const log = wp.requests('/wp/v2/comments');
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/wp-json/wp/v2/comments', status: 429, fault: 'rate-limited', userAgent: 'groundswell-test', authorization: false });
    expect(log[1]?.query).toEqual({ per_page: ['5'], page: ['2'] });
    expect(log[1]?.status).toBe(200);
  });
});

describe('fake WordPress politeness recorder', () => {
  it('reports the smallest gap between a client’s requests', async () => {
    const wp = await startFakeWordPress({ dataset: smallDataset() });
    try {
      for (let i = 0; i < 3; i += 1) {
        await (await fetch(`${wp.url}/wp-json/wp/v2/comments?page=${i + 1}`)).text();
        await new Promise((resolve) => setTimeout(resolve, 120));
      }
      await (await fetch(`${wp.url}/comments/feed/`)).text();
      expect(wp.minIntervalMs('/wp/v2/comments')).toBeGreaterThanOrEqual(110);
      expect(wp.minIntervalMs('/comments/feed/')).toBe(Number.POSITIVE_INFINITY);
      expect(wp.requests()).toHaveLength(4);
    } finally {
      await wp.close();
    }
  });
});

describe('fake WordPress hang', () => {
  it('never answers a hung request, and close() still finishes promptly', async () => {
    const wp = await startFakeWordPress({ dataset: smallDataset() });
    wp.injectFault({ kind: 'hang' });
    await expect(fetch(`${wp.url}/wp-json/wp/v2/comments`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    const pending = fetch(`${wp.url}/comments/feed/`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await wp.close();
    await wp.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
