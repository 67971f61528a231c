import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchComparison, launchLift, launchSeries, parseAnalyticsRequest, parseLaunchComparisonRequest } from '../../src/analytics/index.js';
import { HOSTILE_TEXT, seedDashboardCampaign } from '../dashboard/dashboard-seed.js';
import { addUser, signIn, startApi, type ApiHarness, type SignedIn } from './helpers.js';

// The launch-analytics endpoints over the HTTP API: the same answers as the analytics module, their
// CSV twins, parameters refused by name, unknown launches as 404, and nothing without a session.
// The app's clock is fixed four and a half days after the primer (2026-03-27 10:00 UTC): its
// 28-day window is partly ahead, and the report (2026-04-03 09:00 UTC) has not happened.

const NOW = new Date('2026-03-31T22:00:00Z');

let api: ApiHarness;
let viewer: SignedIn;

beforeAll(async () => {
  api = await startApi({ now: () => NOW });
  await seedDashboardCampaign(api.db.pool);
  await addUser(api.db.pool, 'viewer@example.org', 'viewer');
  viewer = await signIn(api.app, 'viewer@example.org');
});
afterAll(async () => api.close());

const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers: { cookie: viewer.cookie, ...headers } });
const LAUNCH = '/api/campaigns/hsm/launches/primer';
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

interface Points {
  posts: { y: number }[];
  uniqueAuthors: { y: number }[];
  engagement: { y: number }[];
  reach: { y: number }[];
  cumulative: { posts: { y: number }[]; engagement: { y: number }[] };
}
interface SeriesBody {
  window: { asOf: string; startedBuckets: number };
  buckets: { t: number }[];
  filters: { locality: string | null };
  total: Points;
  split: { groups: { slug: string | null; name: string; metrics: Points }[] };
}
const csvLines = (body: string) => body.trimEnd().split('\r\n');

function expectBadParameter(response: { statusCode: number; json(): unknown }, parameter: string | RegExp, message?: RegExp) {
  expect(response.statusCode).toBe(400);
  const body = response.json() as { error: { code: string; parameter: string; message: string } };
  expect(body.error.code).toBe('BAD_PARAMETER');
  if (typeof parameter === 'string') expect(body.error.parameter).toBe(parameter);
  else expect(body.error.parameter).toMatch(parameter);
  if (message) expect(body.error.message).toMatch(message);
}

describe('launch series', () => {
  it('answers what the analytics module answers, launch-aligned and split by locality with the unattributed', async () => {
    const response = await get(`${LAUNCH}/series?before=14&after=28&split=locality`);
    expect(response.statusCode).toBe(200);
    const expected = await launchSeries(api.db.pool, parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', before: 14, after: 28, split: 'locality' }), NOW);
    expect(response.json()).toEqual(json(expected));
    const body = response.json<SeriesBody>();
    expect(body.split.groups.map((group) => group.name)).toEqual(['Oldham', 'Stockport', 'Tameside', 'Unattributed']);
    expect(body.buckets[14]).toMatchObject({ t: 0, start: '2026-03-27T10:00:00.000Z', localStart: '2026-03-27T10:00:00+00:00' });
    expect(body.total.cumulative.posts.at(-1)?.y).toBe(body.total.posts.reduce((sum, point) => sum + point.y, 0));
  });

  it('says what part of the window has happened, and leaves the CSV cells of buckets not yet started empty', async () => {
    const body = (await get(`${LAUNCH}/series?before=14&after=28`)).json<SeriesBody>();
    // Zero-filled over all 42 days; the 14 before the launch and 5 after it have started, the 5th still running.
    expect(body.window).toMatchObject({ asOf: '2026-03-31T22:00:00.000Z', startedBuckets: 19 });
    expect(body.total.posts).toHaveLength(42);
    const lines = csvLines((await get(`${LAUNCH}/series.csv?before=14&after=28`)).body);
    const running = body.total;
    expect(lines[1 + 18]).toBe(
      ['all', 'All posts', 96, '2026-03-31T10:00:00.000Z', '2026-03-31T11:00:00+01:00', running.posts[18]!.y, running.uniqueAuthors[18]!.y, running.engagement[18]!.y, running.reach[18]!.y, running.cumulative.posts[18]!.y, running.cumulative.engagement[18]!.y].join(','),
    );
    expect(running.posts[18]!.y).toBeGreaterThan(0);
    expect(lines[1 + 19]).toBe('all,All posts,120,2026-04-01T10:00:00.000Z,2026-04-01T11:00:00+01:00,,,,,,');
    expect(lines.slice(1 + 19, 1 + 42).every((line) => line.endsWith(',,,,,,'))).toBe(true);
  });

  it('lets the server overrule an hourly bucket that would make too many points, and says so', async () => {
    const body = (await get(`${LAUNCH}/series?bucket=hour`)).json();
    expect(body.window).toMatchObject({ bucket: 'day', requestedBucket: 'hour', bucketClamped: true });
    const hourly = (await get(`${LAUNCH}/series?bucket=hour&before=1&after=2`)).json();
    expect(hourly.window).toMatchObject({ bucket: 'hour', bucketClamped: false });
    expect(hourly.buckets).toHaveLength(72);
  });

  it('filters by locality, source and platform, and splits by platform and source', async () => {
    const stockport = (await get(`${LAUNCH}/series?locality=stockport&split=locality`)).json<SeriesBody>();
    expect(stockport.filters.locality).toBe('stockport');
    expect(stockport.split.groups.map((group) => group.slug)).toEqual(['stockport']);
    const all = (await get(`${LAUNCH}/series`)).json<SeriesBody>();
    const sum = (points: { y: number }[]) => points.reduce((total, point) => total + point.y, 0);
    expect(sum(stockport.total.posts)).toBeLessThan(sum(all.total.posts));
    const platforms = (await get(`${LAUNCH}/series?split=platform`)).json<SeriesBody>();
    expect(platforms.split.groups.map((group) => group.slug)).toEqual(['x', 'site']);
    const blog = (await get(`${LAUNCH}/series?source=hsm-blog&platform=site`)).json<SeriesBody>();
    expect(sum(blog.total.posts)).toBe(sum(platforms.split.groups[1]!.metrics.posts));
    expect(sum(blog.total.posts)).toBeGreaterThan(0);
  });

  it('gives one CSV row per series and bucket, the same through .csv and Accept: text/csv', async () => {
    const body = (await get(`${LAUNCH}/series?split=locality`)).json<SeriesBody>();
    const csv = await get(`${LAUNCH}/series.csv?split=locality`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="launch-series.csv"');
    const lines = csvLines(csv.body);
    expect(lines[0]).toBe('series,name,t,start,localStart,posts,uniqueAuthors,engagement,reach,cumulativePosts,cumulativeEngagement');
    expect(lines).toHaveLength(1 + body.buckets.length * 5);
    const launchDay = body.buckets.findIndex((bucket) => bucket.t === 0);
    const total = body.total;
    expect(lines[1 + launchDay]).toBe(
      [
        'all',
        'All posts',
        0,
        '2026-03-27T10:00:00.000Z',
        '2026-03-27T10:00:00+00:00',
        total.posts[launchDay]!.y,
        total.uniqueAuthors[launchDay]!.y,
        total.engagement[launchDay]!.y,
        total.reach[launchDay]!.y,
        total.cumulative.posts[launchDay]!.y,
        total.cumulative.engagement[launchDay]!.y,
      ].join(','),
    );
    expect(lines.filter((line) => line.startsWith('unattributed,Unattributed,'))).toHaveLength(body.buckets.length);
    const negotiated = await get(`${LAUNCH}/series?split=locality`, { accept: 'text/csv' });
    expect(negotiated.body).toBe(csv.body);
  });
});

describe('baseline and lift, half-life, accrual', () => {
  it('gives the lift with intervals in total, per locality and per source, and says when there is no baseline', async () => {
    const response = await get(`${LAUNCH}/lift?after=28&baselineDays=14`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const expected = await launchLift(api.db.pool, parseAnalyticsRequest({ campaign: 'hsm', launch: 'primer', after: 28, baselineDays: 14 }), NOW);
    // Only the complete days after the launch at the app's now are compared.
    expect(body.post).toMatchObject({ days: 4, to: '2026-03-31T10:00:00.000Z' });
    // Rows carry their slug and name only: the analytics rows' internal grouping keys stay inside.
    const withoutKeys = (row: object) => Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'key' && key !== 'splitKey'));
    expect(body).toEqual(json({ ...expected, byLocality: expected.byLocality.map(withoutKeys), bySource: expected.bySource.map(withoutKeys) }));
    expect(JSON.stringify(body)).not.toMatch(/"(split)?[kK]ey"/);
    expect(body.total.posts).toMatchObject({ status: 'ok', interval: { confidence: 0.95, method: 'exact-conditional-poisson' } });
    expect(body.total.posts.lift).toBeGreaterThan(1);
    expect(body.total.posts.interval.lower).toBeLessThan(body.total.posts.lift);
    // The blog had no comments before the launch: no lift is claimed.
    const blog = (body.bySource as { slug: string; posts: unknown }[]).find((row) => row.slug === 'hsm-blog');
    expect(blog?.posts).toMatchObject({ status: 'not-enough-baseline', reason: expect.stringMatching(/divide by zero/) });

    const csv = csvLines((await get(`${LAUNCH}/lift.csv?after=28`)).body);
    expect(csv[0]).toBe('scope,group,name,measure,status,baselineMean,postMean,lift,lower,upper,confidence,reason');
    expect(csv).toHaveLength(1 + 4 * (1 + body.byLocality.length + body.bySource.length));
    expect(csv.find((line) => line.startsWith('source,hsm-blog,hsm-blog (wordpress),posts,not-enough-baseline,0,'))).toBeDefined();
  });

  it('gives the half-life both ways and the accrual series with their labels', async () => {
    const halfLife = await get(`${LAUNCH}/half-life?after=28`);
    expect(halfLife.statusCode).toBe(200);
    // The 28 days after the launch are still running at the app's now.
    expect(halfLife.json()).toMatchObject({ windowHours: 672, complete: false, accrued: { hours: expect.any(Number) }, byPostTime: { hours: expect.any(Number) } });
    const csv = csvLines((await get(`${LAUNCH}/half-life.csv`)).body);
    expect(csv[0]).toBe('series,label,hours,total,windowHours,complete');
    expect(csv).toHaveLength(3);

    const accrual = (await get(`${LAUNCH}/accrual?before=2&after=5`)).json();
    expect(accrual.accrued.label).toBe('Engagement accrued in each bucket (from snapshot deltas)');
    expect(accrual.byPostTime.label).toBe('Engagement of posts made in each bucket');
    expect(accrual.accrued.points).toHaveLength(accrual.buckets.length);
    const accrualCsv = csvLines((await get(`${LAUNCH}/accrual.csv?before=2&after=5`)).body);
    expect(accrualCsv[0]).toBe('t,start,localStart,accrued,accruedCumulative,byPostTime,byPostTimeCumulative');
    expect(accrualCsv).toHaveLength(1 + accrual.buckets.length);
    // Hourly from 2026-03-25 10:00: 156 whole hours had passed at the app's now, and the 157th had begun.
    expect(accrual.window).toMatchObject({ asOf: '2026-03-31T22:00:00.000Z', startedBuckets: 157 });
    expect(accrualCsv[1 + 156]).toMatch(/^108,2026-03-31T22:00:00.000Z,2026-03-31T23:00:00\+01:00,\d+,\d+,\d+,\d+$/);
    expect(accrualCsv[1 + 157]).toBe('109,2026-03-31T23:00:00.000Z,2026-04-01T00:00:00+01:00,,,,');
  });
});

describe('rankings', () => {
  it('lists top posts with their text as data, top contributors both ways, and the busiest threads', async () => {
    const posts = (await get(`${LAUNCH}/top-posts?limit=3`)).json();
    expect(posts.items).toHaveLength(3);
    expect(posts.items[0]).toMatchObject({ platform: 'x', text: HOSTILE_TEXT, engagement: 462 });
    const postsCsv = csvLines((await get(`${LAUNCH}/top-posts.csv?limit=3`)).body);
    expect(postsCsv[0]).toBe('rank,id,platform,externalId,kind,url,text,createdAt,author.handle,author.name,author.followers,metrics.likes,metrics.reposts,metrics.replies,metrics.quotes,engagement,localities');
    expect(postsCsv[1]).toContain('"<img src=x onerror=""window.__xss=1;alert(1)""> and <script>window.__xss2=1;alert(2)</script> Stockport"');

    const contributors = (await get(`${LAUNCH}/top-contributors?limit=5`)).json();
    expect(contributors.byPosts).toHaveLength(5);
    expect(contributors.byEngagement[0].handle).toBe('author3');
    const contributorsCsv = csvLines((await get(`${LAUNCH}/top-contributors.csv?limit=5`)).body);
    expect(contributorsCsv).toHaveLength(11);
    expect(contributorsCsv[1]).toMatch(/^posts,1,/);

    const threads = (await get(`${LAUNCH}/threads`)).json<{ items: { replies: number; root: { text: string } }[] }>();
    expect(threads.items[0]).toMatchObject({ replies: 3, depth: 2, participants: 3 });
    expect(threads.items.map((thread) => thread.root.text)).toContain(HOSTILE_TEXT);
    expect(csvLines((await get(`${LAUNCH}/threads.csv`)).body)[0]).toBe(
      'rank,root.id,root.externalId,root.url,root.text,root.createdAt,root.author.handle,root.author.name,root.localities,replies,participants,lastReplyAt,depth',
    );
  });
});

describe('launch comparison', () => {
  it('overlays launches at t = 0 over the same window, as JSON and CSV', async () => {
    const response = await get('/api/campaigns/hsm/compare?launches=primer,report&before=2&after=5');
    expect(response.statusCode).toBe(200);
    const expected = await launchComparison(api.db.pool, parseLaunchComparisonRequest({ campaign: 'hsm', launches: 'primer,report', before: 2, after: 5 }), NOW);
    expect(response.json()).toEqual(json(expected));
    const body = response.json<{ t: number[]; launches: { slug: string; window: { asOf: string; startedBuckets: number } }[] }>();
    expect(body.launches.map((launch) => launch.slug)).toEqual(['primer', 'report']);
    expect(body.t[0]).toBe(-48);
    const csv = csvLines((await get('/api/campaigns/hsm/compare.csv?launches=primer,report&before=2&after=5')).body);
    expect(csv).toHaveLength(1 + 2 * body.t.length);
    expect(csv[1]).toMatch(/^primer,The primer,-48,2026-03-25T10:00:00.000Z,2026-03-25T10:00:00\+00:00,/);
    expect(csv[1 + body.t.length]).toMatch(/^report,The report,-48,2026-04-01T09:00:00.000Z,2026-04-01T10:00:00\+01:00,/);
  });

  it('says how much of each launch has happened: all of a past window, part of a running one, none of one ahead', async () => {
    const body = (await get('/api/campaigns/hsm/compare?launches=primer,report&before=2&after=5')).json<{ t: number[]; launches: { slug: string; window: { asOf: string; startedBuckets: number } }[] }>();
    expect(body.launches.map((launch) => [launch.slug, launch.window.asOf, launch.window.startedBuckets])).toEqual([
      ['primer', '2026-03-31T22:00:00.000Z', 157],
      ['report', '2026-03-31T22:00:00.000Z', 0],
    ]);
    const csv = csvLines((await get('/api/campaigns/hsm/compare.csv?launches=primer,report&before=2&after=5')).body);
    const report = csv.slice(1 + body.t.length);
    expect(report).toHaveLength(body.t.length);
    // Nothing of the report has happened: no 0 that reads as a quiet launch.
    expect(report.every((line) => line.endsWith(',,,,,,'))).toBe(true);
    expect(csv[1 + 156]).toMatch(/^primer,The primer,108,(?:[^,]*,){2}\d+,\d+,\d+,\d+,\d+,\d+$/);
    expect(csv[1 + 157]).toMatch(/^primer,The primer,109,(?:[^,]*,){2},,,,,$/);
  });
});

describe('refusals', () => {
  it('names each bad parameter and why', async () => {
    expectBadParameter(await get(`${LAUNCH}/series?before=abc`), 'before', /whole number of days from 0 to 365/);
    expectBadParameter(await get(`${LAUNCH}/series?bucket=week`), 'bucket', /hour or day/);
    expectBadParameter(await get(`${LAUNCH}/series?split=weather`), 'split', /locality, platform or source/);
    expectBadParameter(await get(`${LAUNCH}/series?colour=red`), 'colour', /not a parameter/);
    expectBadParameter(await get(`${LAUNCH}/series?locality=Not%20A%20Slug`), 'locality');
    expectBadParameter(await get(`${LAUNCH}/series?before=1&before=2`), 'before', /more than once/);
    expectBadParameter(await get(`${LAUNCH}/lift?baselineDays=0`), 'baselineDays', /1 to 90/);
    expectBadParameter(await get(`${LAUNCH}/lift?split=locality`), 'split', /not a parameter/);
    expectBadParameter(await get(`${LAUNCH}/top-posts?limit=0`), 'limit', /1 to 100/);
    expectBadParameter(await get(`${LAUNCH}/series.csv?after=-1`), 'after');
    expectBadParameter(await get('/api/campaigns/hsm/compare'), 'launches', /required/);
    expectBadParameter(await get('/api/campaigns/hsm/launches/Primer!/series'), 'launch');
  });

  it('refuses a window of no days through the analytics parser, in the same error shape', async () => {
    expectBadParameter(await get(`${LAUNCH}/series?before=0&after=0`), 'after', /at least one day/);
    expectBadParameter(await get('/api/campaigns/hsm/compare?launches=primer,Not-A-Slug!'), /^launches/, /slug/);
  });

  it('answers 404 naming what does not exist', async () => {
    for (const url of [`/api/campaigns/hsm/launches/nope/series`, '/api/campaigns/hsm/launches/nope/top-posts.csv', '/api/campaigns/hsm/launches/nope/lift']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'NOT_FOUND', parameter: 'launch', message: expect.stringMatching(/"nope"/) });
    }
    expect((await get('/api/campaigns/nope/launches/primer/series')).json().error).toMatchObject({ code: 'NOT_FOUND', parameter: 'campaign' });
    expect((await get(`${LAUNCH}/series?locality=nowhere`)).json().error).toMatchObject({ code: 'NOT_FOUND', parameter: 'locality' });
    expect((await get('/api/campaigns/hsm/compare?launches=primer,nope')).json().error).toMatchObject({ code: 'NOT_FOUND', parameter: 'launches' });
    // A launch of another campaign is not one of this campaign's.
    expect((await get('/api/campaigns/other/launches/report/series')).statusCode).toBe(404);
  });

  it('answers nothing without a session or token', async () => {
    for (const path of ['series', 'series.csv', 'lift', 'half-life', 'accrual', 'top-posts', 'top-contributors', 'threads.csv']) {
      const response = await api.app.inject({ method: 'GET', url: `${LAUNCH}/${path}` });
      expect(response.statusCode, path).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect((await api.app.inject({ method: 'GET', url: '/api/campaigns/hsm/compare?launches=primer' })).statusCode).toBe(401);
  });
});

describe('the API description and the instance', () => {
  it('describes every analytics endpoint and its CSV twin with its query parameters', async () => {
    const document = (await get('/api/openapi.json')).json();
    for (const path of ['series', 'lift', 'half-life', 'accrual', 'top-posts', 'top-contributors', 'threads']) {
      const operation = document.paths[`/api/campaigns/{campaign}/launches/{launch}/${path}`]?.get;
      expect(operation, path).toBeDefined();
      expect(document.paths[`/api/campaigns/{campaign}/launches/{launch}/${path}.csv`]?.get, `${path}.csv`).toBeDefined();
      expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'launch', in: 'path', required: true }));
    }
    const series = document.paths['/api/campaigns/{campaign}/launches/{launch}/series'].get;
    expect(series.parameters).toContainEqual(expect.objectContaining({ name: 'bucket', in: 'query', required: false, schema: expect.objectContaining({ enum: ['hour', 'day'] }) }));
    expect(series.parameters).toContainEqual(expect.objectContaining({ name: 'before', in: 'query', schema: expect.objectContaining({ default: 14 }) }));
    expect(document.paths['/api/campaigns/{campaign}/compare'].get.parameters).toContainEqual(expect.objectContaining({ name: 'launches', in: 'query', required: true }));
    expect(document.paths['/api/instance'].get.security).toEqual([]);
  });

  it('tells anyone the instance name and whether the data is simulated', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/instance' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'Groundswell', demo: false });
    const demo = await startApi({ demo: true });
    try {
      expect((await demo.app.inject({ method: 'GET', url: '/api/instance' })).json()).toEqual({ name: 'Groundswell', demo: true });
    } finally {
      await demo.close();
    }
  });
});
