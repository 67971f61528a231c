import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createRedis, type Redis } from '../../src/runtime/redis.js';
import { createDashboardLaunch } from '../../src/store/launches.js';
import { addUser, PASSWORD } from '../http/helpers.js';
import { migratedDatabase, redisPrefix, TEST_REDIS_URL, type TestDatabase } from '../support/db.js';
import { buildDashboardForTest } from './build-dashboard.js';
import { HOSTILE_TEXT, seedDashboardCampaign } from './dashboard-seed.js';

// The dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real
// listening server over a seeded campaign: sign in, every chart of the launch view drawn with data
// tables that match the API, a filter in the URL, a CSV download, hostile post text shown as text
// with nothing run, and a viewer kept out of the admin page. Screenshots go to test-artifacts/.
// The app's clock is fixed two hours after the primer's 28-day window closed: the primer has all
// happened, the report (2026-04-03 09:00 UTC) is three weeks into its window, and "The next one"
// (2026-05-20) has not happened yet.

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const LAUNCH_VIEW = '#/launch?campaign=hsm&launch=primer';
const CHARTS = ['engagement-curve', 'daily-by-locality', 'locality-comparison', 'platform-split', 'accrual'];
const NOW = new Date('2026-04-24T12:00:00Z');
const REPORT_AT = Date.parse('2026-04-03T09:00:00Z');
const HOUR_MS = 3_600_000;

let db: TestDatabase;
let redis: Redis;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let admin: { context: BrowserContext; page: Page };
const pageErrors: string[] = [];
const dialogs: string[] = [];
const policyViolations: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The dashboard browser test needs Debian's Chromium at ${CHROMIUM}, and it is not there. Install it with: apt-get install -y chromium`);
  }
  const built = await buildDashboardForTest();
  db = await migratedDatabase();
  const seed = await seedDashboardCampaign(db.pool);
  await createDashboardLaunch(db.pool, seed.ids.campaigns.hsm!, { slug: 'next-one', title: 'The next one', at: new Date('2026-05-20T09:00:00Z') });
  await addUser(db.pool, 'admin@example.org', 'admin');
  await addUser(db.pool, 'viewer@example.org', 'viewer');
  redis = createRedis(TEST_REDIS_URL);
  await redis.connect();
  app = await buildApp({ db: db.pool, redis, redisPrefix: redisPrefix(), dashboardDir: built.dir, demo: true, now: () => NOW });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  await mkdir(ARTIFACTS, { recursive: true });
  admin = await signedIn('admin@example.org', LAUNCH_VIEW);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  redis?.disconnect();
  await db?.close();
});

async function signedIn(email: string, view: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, timezoneId: 'America/New_York' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) policyViolations.push(message.text());
  });
  await page.goto(`${base}/${view}`);
  // Not signed in: the page sends us to /login, remembering where we were going.
  await page.waitForURL(/\/login\?next=/);
  await page.fill('#login-email', email);
  await page.fill('#login-password', PASSWORD);
  await page.click('form.login button[type=submit]');
  await page.waitForURL((url) => url.pathname === '/' && url.hash === view);
  return { context, page };
}

/** Waits until every chart has drawn at least `renders` times and the view says it is up to date. */
async function chartsDrawn(page: Page, renders = 1): Promise<void> {
  // Polled from here: the page's CSP (rightly) refuses the string evaluation waitForFunction would use.
  const drawn = async () => {
    const counts = await Promise.all(CHARTS.map((id) => page.locator(`#${id} canvas`).getAttribute('data-renders')));
    return counts.every((count) => Number(count ?? 0) >= renders);
  };
  await expect.poll(drawn, { timeout: 15_000 }).toBe(true);
  await page.locator('p.status', { hasText: 'Updated' }).waitFor();
}

async function tableRows(page: Page, card: string): Promise<string[][]> {
  const rows = page.locator(`#${card}-table table tbody tr`);
  const count = await rows.count();
  const result: string[][] = [];
  for (let index = 0; index < count; index += 1) result.push(await rows.nth(index).locator('td').allInnerTexts());
  return result;
}

async function apiJson<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(`${base}${path}`);
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

const num = (value: number | null) => (value === null ? '' : Number.isInteger(value) ? String(value) : value.toFixed(2));

interface Drawn {
  datasets: { label: string; lastX: number | null }[];
  markers: { label: string; x: number }[];
}

/** What a chart draws (the canvas's data-drawn: how far each dataset goes, and the marker lines). */
async function drawn(page: Page, card: string): Promise<Drawn> {
  return JSON.parse((await page.locator(`#${card} canvas`).getAttribute('data-drawn')) ?? '{}') as Drawn;
}

interface Series {
  window: { asOf: string; startedBuckets: number };
  buckets: { t: number }[];
  total: { engagement: { y: number }[]; posts: { y: number }[] };
  split: { groups: { name: string; metrics: { posts: { y: number }[] } }[] } | null;
}

describe('the launch view', () => {
  it('signs in, shows the demo banner and draws every chart, each with a data table that matches the API', async () => {
    const { page } = admin;
    await chartsDrawn(page);
    await expect.poll(() => page.locator('#demo-banner').innerText()).toBe('Demo mode: the data is simulated.');
    await expect.poll(() => page.locator('h2').first().innerText()).toBe('The primer');

    const series = await apiJson<Series>(page, '/api/campaigns/hsm/launches/primer/series?before=14&after=28');
    const curve = await tableRows(page, 'engagement-curve');
    expect(curve).toHaveLength(series.buckets.length);
    expect(curve.map((row) => row[2])).toEqual(series.total.engagement.map((point) => num(point.y)));
    expect(curve[14]?.[0]).toBe('launch');
    // Times are in the campaign's zone (London), not the browser's (New York).
    expect(curve[14]?.[1]).toBe('Fri, 27 Mar 2026, 10:00 GMT');

    const daily = await apiJson<Series>(page, '/api/campaigns/hsm/launches/primer/series?before=14&after=28&bucket=day&split=locality');
    const dailyRows = await tableRows(page, 'daily-by-locality');
    const groups = daily.split!.groups;
    expect(await page.locator('#daily-by-locality-table th').allInnerTexts()).toEqual([`Day (Europe/London)`, ...groups.map((group) => group.name), 'All posts']);
    expect(dailyRows.map((row) => row.slice(1))).toEqual(daily.buckets.map((_, i) => [...groups.map((group) => num(group.metrics.posts[i]!.y)), num(daily.total.posts[i]!.y)]));

    const lift = await apiJson<{ total: { posts: { baselineMean: number; postMean: number; lift: number } }; byLocality: { name: string; posts: { baselineMean: number; postMean: number } }[] }>(
      page,
      '/api/campaigns/hsm/launches/primer/lift?after=28&baselineDays=14',
    );
    const liftRows = await tableRows(page, 'lift-table');
    expect(liftRows[0]?.slice(0, 5)).toEqual(['All posts', 'Posts', num(lift.total.posts.baselineMean), num(lift.total.posts.postMean), `${lift.total.posts.lift.toFixed(2)}×`]);
    const comparison = await tableRows(page, 'locality-comparison');
    expect(comparison.map((row) => row.slice(0, 3))).toEqual(lift.byLocality.map((row) => [row.name, num(row.posts.baselineMean), num(row.posts.postMean)]));

    const platforms = await apiJson<Series>(page, '/api/campaigns/hsm/launches/primer/series?before=14&after=28&split=platform');
    const platformRows = await tableRows(page, 'platform-split');
    expect(platformRows.map((row) => row.slice(2))).toEqual(platforms.buckets.map((_, i) => platforms.split!.groups.map((group) => num(group.metrics.posts[i]!.y))));

    const accrual = await apiJson<{ accrued: { points: { y: number }[] }; byPostTime: { points: { y: number }[] } }>(page, '/api/campaigns/hsm/launches/primer/accrual?before=14&after=28');
    const accrualRows = await tableRows(page, 'accrual');
    expect(accrualRows.map((row) => [row[2], row[3]])).toEqual(accrual.accrued.points.map((point, i) => [num(point.y), num(accrual.byPostTime.points[i]!.y)]));

    const halfLife = await apiJson<{ accrued: { hours: number } }>(page, '/api/campaigns/hsm/launches/primer/half-life?after=28');
    expect((await tableRows(page, 'half-life'))[0]).toEqual(['Accrued', num(halfLife.accrued.hours), expect.any(String)]);

    const topPosts = await apiJson<{ items: { engagement: number }[] }>(page, '/api/campaigns/hsm/launches/primer/top-posts?before=14&after=28&limit=10');
    const topRows = await tableRows(page, 'top-posts');
    expect(topRows.map((row) => row[5])).toEqual(topPosts.items.map((post) => String(post.engagement)));
    await expect.poll(() => page.locator('#latest-comments .comment').count()).toBeGreaterThan(5);
    await expect.poll(() => page.locator('#threads-table tbody tr').count()).toBe(2);
    // The coverage gap is said in words next to the chart that shades it.
    await expect.poll(() => page.locator('#engagement-curve .note').innerText()).toMatch(/A stretch when a source was not collecting is shaded grey/);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-launch.png'), fullPage: true });
  });

  it('puts the locality filter in the URL and redraws the charts for it', async () => {
    const { page } = admin;
    const before = await tableRows(page, 'engagement-curve');
    const renders = Number(await page.locator('#engagement-curve canvas').getAttribute('data-renders'));
    await page.selectOption('select[name=locality]', 'stockport');
    await page.waitForURL((url) => url.hash === `${LAUNCH_VIEW}&locality=stockport`);
    await chartsDrawn(page, renders + 1);

    const series = await apiJson<Series>(page, '/api/campaigns/hsm/launches/primer/series?before=14&after=28&locality=stockport');
    const after = await tableRows(page, 'engagement-curve');
    expect(after.map((row) => row[2])).toEqual(series.total.engagement.map((point) => num(point.y)));
    expect(after).not.toEqual(before);
    expect(await page.locator('#daily-by-locality-table th').allInnerTexts()).toEqual(['Day (Europe/London)', 'Stockport', 'All posts']);
    expect(await page.locator('#daily-by-locality a.csv-link').getAttribute('href')).toContain('locality=stockport');

    // The URL alone gives the same view: open it afresh.
    const shared = await admin.context.newPage();
    await shared.goto(page.url());
    await chartsDrawn(shared);
    expect(await shared.locator('select[name=locality]').inputValue()).toBe('stockport');
    expect((await tableRows(shared, 'engagement-curve')).map((row) => row[2])).toEqual(after.map((row) => row[2]));
    await shared.screenshot({ path: join(ARTIFACTS, 'dashboard-launch-stockport.png'), fullPage: true });
    await shared.close();
  });

  it("downloads a chart's data as CSV, with the API's rows", async () => {
    const { page } = admin;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#daily-by-locality a.csv-link')]);
    expect(download.suggestedFilename()).toBe('launch-series.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('series,name,t,start,localStart,posts,uniqueAuthors,engagement,reach,cumulativePosts,cumulativeEngagement');
    const daily = await apiJson<Series>(page, '/api/campaigns/hsm/launches/primer/series?before=14&after=28&bucket=day&split=locality&locality=stockport');
    // The total, then Stockport: one row per day each.
    expect(lines).toHaveLength(1 + 2 * daily.buckets.length);
    expect(lines.slice(1, 1 + daily.buckets.length).map((line) => line.split(',')[5])).toEqual(daily.total.posts.map((point) => String(point.y)));
    expect(lines.slice(1 + daily.buckets.length).every((line) => line.startsWith('stockport,Stockport,'))).toBe(true);
  });

  it('shows post and comment text carrying markup as text, and runs none of it', async () => {
    const { page } = admin;
    await page.goto(`${base}/${LAUNCH_VIEW}`);
    await chartsDrawn(page);
    const hostileComment = page.locator('#latest-comments .comment-text', { hasText: '<img src=x onerror=' });
    await expect.poll(() => hostileComment.count()).toBe(1);
    expect(await hostileComment.innerText()).toBe(HOSTILE_TEXT);
    expect((await tableRows(page, 'top-posts'))[0]?.[2]).toBe(HOSTILE_TEXT);
    expect(await page.locator('#threads-table .post-text', { hasText: '<script>' }).count()).toBe(1);
    expect(await page.locator('main img, main script, main iframe').count()).toBe(0);
    // Its javascript: link is not made a link.
    expect(await page.locator('#top-posts-table tbody tr').first().locator('a').count()).toBe(0);
    expect(await page.evaluate('[typeof window.__xss, typeof window.__xss2, typeof window.__xss3]')).toEqual(['undefined', 'undefined', 'undefined']);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(policyViolations).toEqual([]);
    await page.locator('#latest-comments').screenshot({ path: join(ARTIFACTS, 'dashboard-hostile-comment.png') });
  });
});

describe('a launch whose window runs on past now', () => {
  const REPORT_VIEW = '#/launch?campaign=hsm&launch=report';
  // Three weeks and three hours after the report: its 28-day window has a week to go.
  const NOW_X = (NOW.getTime() - REPORT_AT) / HOUR_MS;

  it('draws nothing after now, marks now, says the running bucket is so far, and shows – in the tables for what has not happened', async () => {
    const page = await admin.context.newPage();
    await page.goto(`${base}/${REPORT_VIEW}`);
    await chartsDrawn(page);
    const series = await apiJson<Series>(page, '/api/campaigns/hsm/launches/report/series?before=14&after=28');
    expect(series.window).toEqual(expect.objectContaining({ asOf: NOW.toISOString(), startedBuckets: 36 }));
    // Day 35 of the window (+21 d) began at 09:00 and is still going; days 36 to 41 have not begun.
    const lastStarted = series.buckets[35]!.t;
    expect(lastStarted).toBe(504);

    const curve = await drawn(page, 'engagement-curve');
    expect(curve.datasets.find((dataset) => dataset.label === 'Engagement of posts made in each bucket')?.lastX).toBe(lastStarted);
    expect(curve.markers).toEqual(expect.arrayContaining([{ label: 'launch', x: 0 }, { label: 'now', x: NOW_X }]));
    for (const card of ['platform-split', 'accrual']) {
      const chart = await drawn(page, card);
      expect(chart.datasets.map((dataset) => dataset.lastX), card).toEqual(chart.datasets.map(() => lastStarted));
      expect(chart.markers, card).toContainEqual({ label: 'now', x: NOW_X });
    }
    // Bars by day on a category axis: day 35 is the last with a bar, and now falls inside it.
    const daily = await drawn(page, 'daily-by-locality');
    expect(daily.datasets.every((dataset) => dataset.lastX === 35)).toBe(true);
    expect(daily.markers.find((marker) => marker.label === 'now')?.x).toBeCloseTo(35 + 3 / 24 - 0.5, 6);

    const rows = await tableRows(page, 'engagement-curve');
    expect(rows.map((row) => row[2])).toEqual(series.total.engagement.map((point, i) => (i < 36 ? num(point.y) : '–')));
    expect(rows[35]?.[0]).toBe('+21 d (so far)');
    expect(rows[34]?.[0]).toBe('+20 d');
    expect((await tableRows(page, 'daily-by-locality')).slice(36).every((row) => row.slice(1).every((cell) => cell === '–'))).toBe(true);
    expect((await tableRows(page, 'accrual')).slice(36).every((row) => row[2] === '–' && row[3] === '–')).toBe(true);
    await expect.poll(() => page.locator('#engagement-curve .note').innerText()).toMatch(/Later buckets have not happened yet.*still going: its count is so far/);
    await page.locator('#engagement-curve').screenshot({ path: join(ARTIFACTS, 'dashboard-launch-running.png') });

    // Running totals stop at now too, rather than carrying on flat.
    await page.goto(`${base}/${REPORT_VIEW}&cumulative=1`);
    await expect.poll(async () => (await drawn(page, 'engagement-curve')).datasets.map((dataset) => dataset.label)).toContain('Engagement, running total');
    const running = await drawn(page, 'engagement-curve');
    expect(running.datasets.find((dataset) => dataset.label === 'Engagement, running total')?.lastX).toBe(lastStarted);
    await page.close();
  });

  it('shows a launch still ahead as not started, with no baseline made of days that have not happened', async () => {
    const page = await admin.context.newPage();
    await page.goto(`${base}/#/launch?campaign=hsm&launch=next-one`);
    await chartsDrawn(page);
    const curve = await drawn(page, 'engagement-curve');
    // Its whole window (from 6 May) is ahead: nothing drawn, and no baseline line or band at 0.
    expect(curve.datasets).toEqual([{ label: 'Engagement of posts made in each bucket', lastX: null }]);
    expect(curve.markers).toEqual([{ label: 'launch', x: 0 }]);
    expect((await tableRows(page, 'engagement-curve')).every((row) => row[2] === '–' && row[3] === '')).toBe(true);
    await expect.poll(() => page.locator('#engagement-curve .note').innerText()).toMatch(/This window has not started yet/);
    await page.close();
  });

  it('compares launches only as far as each has happened, and says which has not launched yet', async () => {
    const page = await admin.context.newPage();
    await page.goto(`${base}/#/compare?campaign=hsm&launches=primer,report,next-one&before=14&after=28`);
    const chart = async () => (await drawn(page, 'compare-chart')).datasets.map((dataset) => dataset.label);
    await expect.poll(chart).toEqual(['The primer', 'The report', 'The next one (not yet launched)']);
    const compared = await drawn(page, 'compare-chart');
    // The primer's window is over; the report's stops at its running day; the next one has nothing to draw.
    expect(compared.datasets.map((dataset) => dataset.lastX)).toEqual([27 * 24, 21 * 24, null]);
    expect(compared.markers).toEqual([{ label: 'launch', x: 0 }, { label: 'now', x: (NOW.getTime() - REPORT_AT) / HOUR_MS }]);

    const headers = await page.locator('#compare-chart-table th').allInnerTexts();
    expect(headers).toEqual(['From launch', 'The primer', 'The report', 'The next one (not yet launched)']);
    const rows = await tableRows(page, 'compare-chart');
    expect(rows).toHaveLength(42);
    expect(rows.every((row) => row[3] === '–')).toBe(true);
    expect(rows.map((row) => row[2] === '–')).toEqual(rows.map((_, i) => i >= 36));
    expect(rows.every((row) => row[1] !== '–')).toBe(true);
    await expect.poll(() => page.locator('#compare-chart .note').innerText()).toMatch(/stops at “now”/);
    await page.locator('#compare-chart').screenshot({ path: join(ARTIFACTS, 'dashboard-compare-running.png') });
    await page.close();
  });
});

describe('the admin page', () => {
  it('is for admins: they see accounts and launches, a viewer sees a refusal and the API says 403', async () => {
    const { page } = admin;
    await page.goto(`${base}/#/admin?campaign=hsm`);
    await page.locator('#admin-users').waitFor();
    expect(await page.locator('#admin-users td', { hasText: 'viewer@example.org' }).count()).toBe(1);
    expect(await page.locator('#admin-launches td', { hasText: 'The primer' }).count()).toBe(1);

    // A launch added here is entered in the campaign's time (London summer time is UTC+1).
    await page.fill('#admin-launches input[name=slug]', 'summer-event');
    await page.fill('#admin-launches input[name=title]', 'Summer event');
    await page.fill('#admin-launches input[name=at]', '2026-07-01T10:00');
    await page.click('#admin-launches button[type=submit]');
    await page.locator('#admin-launches td', { hasText: 'Summer event' }).waitFor();
    expect(await page.locator('#admin-launches td', { hasText: 'Wed, 1 Jul 2026, 10:00 BST' }).count()).toBe(1);
    const launches = await apiJson<{ items: { slug: string; at: string; managedBy: string }[] }>(page, '/api/campaigns/hsm/launches');
    expect(launches.items.find((launch) => launch.slug === 'summer-event')).toMatchObject({ at: '2026-07-01T09:00:00.000Z', managedBy: 'dashboard' });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-admin.png'), fullPage: true });

    // Set a post's localities by hand, then hand it back to the rules.
    interface Listed { id: number; text: string | null; localities: string[]; localityOverride: boolean }
    const postById = async (id: number) => (await apiJson<{ items: Listed[] }>(page, '/api/campaigns/hsm/posts?limit=200')).items.find((post) => post.id === id)!;
    const target = (await apiJson<{ items: Listed[] }>(page, '/api/campaigns/hsm/posts?limit=200')).items.find((post) => (post.text ?? '').split(' ').length > 3 && !post.localityOverride)!;
    const findTarget = async () => {
      await page.fill('#admin-override input[name=q]', target.text!.split(' ').slice(0, 4).join(' '));
      await page.click('#admin-override form:has(input[name=q]) button[type=submit]');
      return page.locator(`#admin-override .post-override[data-post-id="${target.id}"]`);
    };
    let card = await findTarget();
    await card.waitFor();
    const wanted = target.localities.includes('oldham') ? 'tameside' : 'oldham';
    for (const box of await card.locator('input[type=checkbox]').all()) await box.setChecked((await box.getAttribute('name')) === `locality-${wanted}`);
    await card.locator('button', { hasText: 'Set localities' }).click();
    await card.locator('.form-message', { hasText: 'Saved.' }).waitFor();
    expect(await postById(target.id)).toMatchObject({ localities: [wanted], localityOverride: true });
    card = await findTarget();
    await card.locator('.note', { hasText: '(set by hand)' }).waitFor();
    await card.locator('button', { hasText: 'Back to the automatic localities' }).click();
    await card.locator('.form-message', { hasText: 'Saved.' }).waitFor();
    // The seeded attributions are made up; what the rules say instead is the API tests' business.
    expect(await postById(target.id)).toMatchObject({ localityOverride: false });
    card = await findTarget();
    // The search answers with a fresh card; until then the old one (set by hand) is still shown.
    await expect.poll(async () => (await card.locator('.note').allInnerTexts()).join(' '), { timeout: 15_000 }).not.toContain('(set by hand)');
    expect(await card.locator('button', { hasText: 'Back to the automatic localities' }).count()).toBe(0);

    const viewer = await signedIn('viewer@example.org', '#/admin?campaign=hsm');
    await viewer.page.locator('.refusal').waitFor();
    expect(await viewer.page.locator('.refusal').innerText()).toMatch(/needs an admin account.*viewer@example\.org/);
    expect(await viewer.page.locator('#admin-users, #admin-launches, #admin-override, form.admin-form').count()).toBe(0);
    expect(await viewer.page.locator('nav a[data-view=admin]').count()).toBe(0);
    expect((await viewer.page.request.get(`${base}/api/users`)).status()).toBe(403);
    const change = await viewer.page.request.post(`${base}/api/campaigns/hsm/launches`, { data: { slug: 'sneaky', title: 'Sneaky', at: '2026-12-01T10:00:00Z' } });
    expect(change.status()).toBe(403);
    await viewer.page.screenshot({ path: join(ARTIFACTS, 'dashboard-viewer-admin.png'), fullPage: true });
    await viewer.context.close();
  });
});
