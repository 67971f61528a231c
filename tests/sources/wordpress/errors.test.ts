import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runPass } from '../../../src/ingestion/run-pass.js';
import { startFakeWordPress, type Fault, type FakeWordPress, type WordPressDataset } from '../../../src/simulators/wordpress/index.js';
import { PoliteFetcher } from '../../../src/sources/http/polite-fetcher.js';
import { createWordPressCollectorFactory } from '../../../src/sources/wordpress/factory.js';
import { recentRuns } from '../../../src/store/runs.js';
import { findSourceBySlug, type SourceRow } from '../../../src/store/sources.js';
import { migratedDatabase, type TestDatabase } from '../../support/db.js';
import { resetPosts, siteSource, smallBlog, storedComments } from './support.js';

let db: TestDatabase;
let wp: FakeWordPress;
let dataset: WordPressDataset;
let source: SourceRow;

async function pass() {
  const current = (await findSourceBySlug(db.pool, source.slug))!;
  const collector = createWordPressCollectorFactory({ fetcher: new PoliteFetcher({ minIntervalMs: 0, timeoutMs: 2_000 }) })(current, { kind: 'incremental' })!;
  return runPass(db.pool, current, collector, { kind: 'incremental', trigger: 'cli' });
}

beforeAll(async () => {
  db = await migratedDatabase();
  dataset = smallBlog(5);
  wp = await startFakeWordPress({ dataset });
  source = await siteSource(db, `{ slug: hsm-blog, kind: wordpress, url: "${wp.url}", every: 1h }`, 'hsm-blog');
});
afterAll(async () => {
  await wp.close();
  await db.close();
});
beforeEach(async () => {
  wp.clearFaults();
  await resetPosts(db);
  await db.pool.query(`UPDATE sources SET cursor = '{}', lane_cursors = '{}', status = 'new', last_error = NULL, last_error_code = NULL`);
});

const cases: [string, Fault, string, RegExp][] = [
  ['an HTML error page where JSON was expected', { kind: 'html-instead-of-json' }, 'WP_NOT_JSON', /answered with an HTML page \("WordPress › Error"\) where WordPress's REST API sends JSON/],
  ['a JSON body cut off half-way', { kind: 'truncated-json' }, 'WP_MALFORMED_PAYLOAD', /sent JSON that cannot be read/],
  ['401 from a site that keeps its REST API to logged-in users', { kind: 'unauthorized' }, 'WP_UNAUTHORIZED', /refused an anonymous reader with 401 \(rest_not_logged_in: .*private/],
  ['403 from a private site', { kind: 'forbidden' }, 'WP_FORBIDDEN', /refused access with 403 \(rest_forbidden/],
  ['404 rest_no_route (REST API disabled)', { kind: 'rest-disabled' }, 'WP_REST_DISABLED', /answered 404 \(rest_no_route.*Use `kind: feed` with url http:\/\/127\.0\.0\.1:\d+\/comments\/feed\//],
  ['a plain HTML 404 (REST API disabled)', { kind: 'rest-disabled', style: 'html-404' }, 'WP_REST_DISABLED', /answered 404: .*kind: feed/],
  ['a redirect loop', { kind: 'redirect-loop' }, 'REDIRECT_LOOP', /redirects in a loop/],
  ['a 50 MB response', { kind: 'huge' }, 'RESPONSE_TOO_LARGE', /sent more than 20 MB/],
  ['a request that never answers', { kind: 'hang' }, 'HTTP_TIMEOUT', /did not answer in full within 2 s/],
];

describe('a WordPress site that answers badly', () => {
  it.each(cases)('gives the source a clear error for %s, and leaves what is stored alone', async (_what, fault, code, message) => {
    expect((await pass()).status).toBe('succeeded');
    const before = await storedComments(db, source.id);
    const cursorBefore = (await findSourceBySlug(db.pool, source.slug))!.cursor;
    const newest = [...before.values()].reduce((a, b) => (a.created_at > b.created_at ? a : b));
    const added = wp.addComment({ postId: dataset.posts[0]!.id, authorName: 'New Voice', contentHtml: '<p>New</p>', dateGmt: new Date(newest.created_at.getTime() + 3_600_000) });

    wp.injectFault(fault, { match: '/wp/v2/comments' });
    const outcome = await pass();
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.error.code).toBe(code);

    const failing = (await findSourceBySlug(db.pool, source.slug))!;
    expect(failing).toMatchObject({ status: 'failing', lastErrorCode: code });
    expect(failing.lastError).toMatch(message);
    expect(failing.cursor).toEqual(cursorBefore);
    const [run] = await recentRuns(db.pool, source.id, 1);
    expect(run).toMatchObject({ status: 'failed', errorCode: code, counts: { pages: 0, newCount: 0 } });
    expect(run!.error).toMatch(message);
    const after = await storedComments(db, source.id);
    expect(after).toEqual(before);

    // Once the site answers properly again, the next pass carries on where the last good one ended.
    wp.clearFaults();
    wp.deleteComment(added.id);
  });

  it('explains a site with no REST API at all, suggesting its comment feed', async () => {
    wp.injectFault({ kind: 'html-instead-of-json' }, { match: /^\/$/ });
    wp.injectFault({ kind: 'rest-disabled', style: 'html-404' }, { match: /^\/(wp-json\/|\?rest_route=)/ });
    const outcome = await pass();
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({ code: 'WP_REST_DISABLED', message: expect.stringMatching(/does not advertise a REST API, and .*\/wp-json\/ answered 404 with an HTML page .*\?rest_route=\/ answered 404 .*kind: feed/) });
  });

  it('never shows credentials from the configured URL in its errors', async () => {
    source = await siteSource(db, `{ slug: hsm-blog, kind: wordpress, url: "${wp.url.replace('http://', 'http://editor:s3cret-pass@')}", every: 1h }`, 'hsm-blog');
    try {
      wp.injectFault({ kind: 'redirect-loop' }, { match: '/wp/v2/comments' });
      const outcome = await pass();
      expect(outcome.status === 'failed' && outcome.error.code).toBe('REDIRECT_LOOP');
      const failing = (await findSourceBySlug(db.pool, source.slug))!;
      expect(failing.lastError).not.toContain('s3cret-pass');
      expect(failing.lastError).not.toContain('editor');
      // Sent as basic auth to the site's own origin, discovered API addresses included.
      expect(wp.requests((r) => r.path === '/').at(-1)!.authorization).toBe(true);
      expect(wp.requests('/wp/v2/comments').at(-1)!.authorization).toBe(true);
    } finally {
      source = await siteSource(db, `{ slug: hsm-blog, kind: wordpress, url: "${wp.url}", every: 1h }`, 'hsm-blog');
    }
  });
});
