import { api, apiPath, messageOf } from '../api.js';
import type {
  CampaignDetail,
  CommentThread,
  CoverageGap,
  EngagementAccrual,
  Launch,
  LaunchHalfLife,
  LaunchLift,
  LaunchSeries,
  Lift,
  LiftRow,
  PostItem,
  TopContributors,
  TopPost,
} from '../api-types.js';
import { chartCard, type Card } from '../chart-card.js';
import { accrualChart, engagementBaseline, engagementCurve, localityComparison, platformSplit, stackedByLocality } from '../charts.js';
import { dataTable, num, type Column } from '../data-table.js';
import { append, clear, el, externalLink, field, select } from '../dom.js';
import { formatDateTime, formatDay, formatOffset, formatShort } from '../time.js';
import { navigate, withFilters, type Route } from '../url-state.js';
import { bucketCell, soFar, windowProgress, type WindowProgress } from '../window-progress.js';
import { bucketSelect, campaignSelect, cumulativeToggle, defaultLaunch, filterBar, loadCampaignContext, windowSelect } from './campaign-context.js';
import type { MountedView, ViewFactory } from './view.js';

// The launch view: what one launch set moving, against the weeks before it, for the filters in the URL.

const DAY_MS = 86_400_000;
const MAX_GAP_WINDOW_MS = 400 * DAY_MS;

const wholeDays = (value: string | undefined, fallback: number, max = 365) => {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 0 && parsed <= max ? parsed : fallback;
};

const who = (author: { handle: string | null; name: string | null } | null) => (author ? [author.name, author.handle ? `@${author.handle}` : null].filter(Boolean).join(' ') || 'unknown' : 'unknown');

const SHORT_REASON: Record<string, string> = { 'not-enough-baseline': 'no baseline', 'not-started': 'too early' };

function liftCells(lift: Lift): { lift: string; interval: string; note: string } {
  if (lift.status !== 'ok') return { lift: '', interval: '', note: SHORT_REASON[lift.status] ?? lift.status };
  const interval = lift.interval ? `${lift.interval.lower.toFixed(2)} – ${lift.interval.upper === null ? '∞' : lift.interval.upper.toFixed(2)}` : 'n/a (not a count)';
  return { lift: `${lift.lift.toFixed(2)}×`, interval, note: '' };
}

const MEASURES: { key: 'posts' | 'uniqueAuthors' | 'engagement' | 'reach'; label: string }[] = [
  { key: 'posts', label: 'Posts' },
  { key: 'uniqueAuthors', label: 'Distinct authors' },
  { key: 'engagement', label: 'Engagement' },
  { key: 'reach', label: 'Reach' },
];

function liftTable(lift: LaunchLift): HTMLTableElement {
  const rows = [lift.total, ...lift.byLocality, ...lift.bySource].flatMap((row: LiftRow) => MEASURES.map((measure) => ({ row, measure, lift: row[measure.key] })));
  const columns: Column<(typeof rows)[number]>[] = [
    { label: 'Group', value: (r) => r.row.name },
    { label: 'Measure', value: (r) => r.measure.label },
    { label: 'Before (a day)', value: (r) => num(r.lift.baselineMean), numeric: true },
    { label: 'After (a day)', value: (r) => num(r.lift.postMean), numeric: true },
    { label: 'Lift', value: (r) => liftCells(r.lift).lift, numeric: true },
    { label: '95% interval', value: (r) => liftCells(r.lift).interval, numeric: true },
    { label: 'Note', value: (r) => liftCells(r.lift).note },
  ];
  // For a launch still ahead the baseline is its complete days so far, counted from its start.
  const baseline = Date.parse(lift.baseline.to) < Date.parse(lift.post.from) ? `the first ${lift.baseline.days} complete days of the baseline (the launch is still ahead)` : `${lift.baseline.days} days before`;
  return dataTable(`Baseline and lift: ${baseline} against ${lift.post.days} complete days after`, columns, rows);
}

/** Why some rows have no lift, said once under the table rather than in every row. */
function liftReasons(lift: LaunchLift): string | null {
  const reasons = new Map<string, string>();
  for (const row of [lift.total, ...lift.byLocality, ...lift.bySource]) {
    for (const measure of MEASURES) {
      const value = row[measure.key];
      if (value.status !== 'ok') reasons.set(SHORT_REASON[value.status] ?? value.status, value.reason);
    }
  }
  return reasons.size ? [...reasons].map(([short, reason]) => `Rows noted “${short}”: ${reason}.`).join(' ') : null;
}

/** Said under the engagement curve while its window is still ahead or running; null once it has all happened. */
function notYetNote(progress: WindowProgress, buckets: number): string | null {
  if (progress.started === 0) return 'This window has not started yet, so there is nothing to show so far.';
  const said = [
    progress.started < buckets ? 'Later buckets have not happened yet: the lines stop at “now” and the table shows – for them.' : '',
    progress.inProgress !== null ? 'The last bucket drawn is still going: its count is so far.' : '',
  ];
  return said.filter(Boolean).join(' ') || null;
}

function commentBlock(comment: PostItem, timeZone: string, replies: Map<string, PostItem[]>, depth: number): HTMLElement {
  const children = replies.get(comment.externalId) ?? [];
  return el(
    'li',
    { className: 'comment', data: { postId: String(comment.id) } },
    el(
      'div',
      { className: 'comment-meta' },
      el('strong', {}, who(comment.author)),
      ' · ',
      formatDateTime(comment.createdAt, timeZone),
      comment.localities.length ? ` · ${comment.localities.join(', ')}` : '',
      ' ',
      comment.url ? externalLink(comment.url, 'open') : null,
    ),
    el('p', { className: 'comment-text' }, comment.deleted ? '(deleted)' : (comment.text ?? '')),
    children.length && depth < 6 ? el('ul', { className: 'replies' }, ...children.map((child) => commentBlock(child, timeZone, replies, depth + 1))) : null,
  );
}

/** The newest comments, each under the comment it answers when that is among them. */
function latestComments(items: readonly PostItem[], timeZone: string): HTMLElement {
  if (items.length === 0) return el('p', { className: 'empty' }, 'No comments in this window.');
  const byId = new Set(items.map((item) => item.externalId));
  const replies = new Map<string, PostItem[]>();
  for (const item of [...items].reverse()) {
    if (item.parentExternalId && byId.has(item.parentExternalId)) {
      const list = replies.get(item.parentExternalId) ?? [];
      list.push(item);
      replies.set(item.parentExternalId, list);
    }
  }
  const roots = items.filter((item) => !item.parentExternalId || !byId.has(item.parentExternalId));
  return el('ul', { className: 'comments' }, ...roots.map((root) => commentBlock(root, timeZone, replies, 0)));
}

export const launchView: ViewFactory = (root): MountedView => {
  const heading = el('div', { className: 'view-heading' });
  const filters = el('div', { className: 'filter-box' });
  const cards = {
    curve: chartCard('engagement-curve', 'Engagement around the launch', 'Engagement of the posts made in each bucket, from the launch (t = 0). The dashed line is the daily mean before the launch, scaled to the bucket; the band is the usual range of a bucket before it. Grey boxes: a source was not collecting.', { tall: true }),
    daily: chartCard('daily-by-locality', 'Posts a day by locality', 'Posts in each launch-aligned day, stacked by locality (posts in two localities count in both). Vertical lines mark launches.'),
    localities: chartCard('locality-comparison', 'Localities before and after', 'Mean posts a day in each locality before the launch against after it.'),
    platforms: chartCard('platform-split', 'X posts and blog comments', 'Posts on X against comments on the campaign’s sites, per bucket.'),
    accrual: chartCard('accrual', 'When the engagement happened', 'Engagement accrued in each bucket (from repeated readings of each post) next to the engagement of the posts made in it.'),
    lift: chartCard('lift-table', 'Baseline and lift', 'Mean a day before the launch and after it; lift is after ÷ before, with a 95% interval for counts.', { chart: false }),
    halfLife: chartCard('half-life', 'Attention half-life', 'Hours from the launch until half of the post-launch engagement had happened.', { chart: false }),
    topPosts: chartCard('top-posts', 'Top posts and comments', 'By engagement (latest counts), in the window.', { chart: false }),
    contributors: chartCard('top-contributors', 'Top contributors', 'Authors with the most posts, and whose posts drew the most engagement.', { chart: false }),
    threads: chartCard('threads', 'Most active comment threads', 'Site comment threads with the most replies in the window.', { chart: false }),
    comments: chartCard('latest-comments', 'Latest comments', 'The newest site comments in the window, replies under what they answer.', { chart: false }),
  } satisfies Record<string, Card>;
  const grid = el('div', { className: 'cards' }, ...Object.values(cards).map((card) => card.element));
  const status = el('p', { className: 'status', role: 'status' });
  root.append(heading, filters, status, grid);

  let route: Route | undefined;
  let generation = 0;

  function renderHeading(detail: CampaignDetail, launch: Launch): void {
    const timeZone = detail.campaign.timezone;
    clear(heading);
    append(
      heading,
      el('h2', {}, launch.title),
      el(
        'p',
        { className: 'launch-meta' },
        `${detail.campaign.name} · launched ${formatDateTime(launch.at, timeZone)} · times in ${timeZone}`,
        launch.url ? ' · ' : '',
        launch.url ? externalLink(launch.url, 'about this launch') : null,
      ),
      launch.description ? el('p', { className: 'launch-description' }, launch.description) : null,
    );
  }

  async function load(fresh: boolean): Promise<void> {
    if (!route) return;
    const current = route;
    const mine = (generation += 1);
    const stale = () => mine !== generation;
    status.textContent = 'Loading…';
    let context;
    try {
      context = await loadCampaignContext(current.filters.campaign, { fresh });
    } catch (error) {
      status.textContent = `Could not load the campaign: ${messageOf(error)}`;
      return;
    }
    if (stale()) return;
    if (!context) {
      status.textContent = 'There are no campaigns yet. Add one to the config file and restart.';
      return;
    }
    const { detail } = context;
    const launch = defaultLaunch(detail.launches, current.filters.launch);
    if (!launch) {
      clear(heading);
      status.textContent = 'This campaign has no launches yet. An admin can add one on the Admin page.';
      return;
    }
    const timeZone = detail.campaign.timezone;
    const before = wholeDays(current.filters.before, 14);
    const after = wholeDays(current.filters.after, 28);
    const locality = current.filters.locality;
    const source = current.filters.source;
    const bucket = current.filters.bucket === 'hour' || current.filters.bucket === 'day' ? current.filters.bucket : undefined;
    const cumulative = current.filters.cumulative === '1';
    renderHeading(detail, launch);

    const campaignPath = `/api/campaigns/${encodeURIComponent(detail.campaign.slug)}`;
    const launchPath = `${campaignPath}/launches/${encodeURIComponent(launch.slug)}`;
    const base = { before, after, locality, source };
    const launchAt = Date.parse(launch.at);
    const windowFrom = launchAt - before * DAY_MS;
    const windowTo = launchAt + after * DAY_MS;
    const paths = {
      series: apiPath(`${launchPath}/series`, { ...base, bucket }),
      daily: apiPath(`${launchPath}/series`, { ...base, bucket: 'day', split: 'locality' }),
      platforms: apiPath(`${launchPath}/series`, { ...base, bucket, split: 'platform' }),
      lift: apiPath(`${launchPath}/lift`, { after, baselineDays: Math.min(90, Math.max(1, before || 14)), locality, source }),
      halfLife: apiPath(`${launchPath}/half-life`, { after, locality, source }),
      accrual: apiPath(`${launchPath}/accrual`, { ...base, bucket }),
      topPosts: apiPath(`${launchPath}/top-posts`, { ...base, limit: 10 }),
      contributors: apiPath(`${launchPath}/top-contributors`, { ...base, limit: 10 }),
      threads: apiPath(`${launchPath}/threads`, { ...base, limit: 10 }),
      comments: apiPath(`${campaignPath}/posts`, { platform: 'site', since: new Date(windowFrom).toISOString(), until: new Date(windowTo).toISOString(), locality, source, limit: 50 }),
      gaps: apiPath(`${campaignPath}/coverage-gaps`, { since: new Date(Math.max(windowFrom, windowTo - MAX_GAP_WINDOW_MS)).toISOString(), until: new Date(windowTo).toISOString(), source }),
    };

    const series = api.get<LaunchSeries>(paths.series);
    const lift = api.get<LaunchLift>(paths.lift);
    const gaps = api.get<{ items: CoverageGap[] }>(paths.gaps).then((body) => body.items, () => [] as CoverageGap[]);

    const filterRoute: Route = { view: 'launch', filters: { ...current.filters, campaign: detail.campaign.slug, launch: launch.slug } };
    const launchControl = select(detail.launches.map((item) => ({ value: item.slug, label: `${item.title} (${formatDay(item.at, timeZone)})` })), launch.slug, { name: 'launch', data: { filter: 'launch' } });
    launchControl.addEventListener('change', () => navigate(withFilters(filterRoute, { launch: launchControl.value })));
    const localityControl = select(
      [{ value: '', label: 'All localities' }, ...detail.localities.filter((item) => item.enabled).map((item) => ({ value: item.slug, label: item.name })), { value: 'unattributed', label: 'Unattributed' }],
      locality ?? '',
      { name: 'locality', data: { filter: 'locality' } },
    );
    localityControl.addEventListener('change', () => navigate(withFilters(filterRoute, { locality: localityControl.value || undefined })));
    const sourceControl = select([{ value: '', label: 'All sources' }, ...detail.sources.map((item) => ({ value: item.slug, label: `${item.slug} (${item.kind})` }))], source ?? '', {
      name: 'source',
      data: { filter: 'source' },
    });
    sourceControl.addEventListener('change', () => navigate(withFilters(filterRoute, { source: sourceControl.value || undefined })));

    filters.replaceChildren(
      filterBar(
        campaignSelect(context, filterRoute, ['launch', 'locality', 'source']),
        field('Launch', launchControl),
        field('Locality', localityControl),
        field('Source', sourceControl),
        windowSelect(filterRoute, before, after),
        bucketSelect(filterRoute, bucket),
        cumulativeToggle(filterRoute),
      ),
    );

    const show = async <T>(card: Card, apiPathOf: string, promise: Promise<T>, render: (value: T) => void) => {
      card.setCsv(apiPathOf);
      try {
        const value = await promise;
        if (stale()) return;
        card.setError(null);
        render(value);
      } catch (error) {
        if (!stale()) card.setError(`Could not load this: ${messageOf(error)}`);
      }
    };

    const seriesColumns = (data: Pick<LaunchSeries, 'buckets' | 'window'>, values: { label: string; points: { x: number; y: number }[] }[]): Column<number>[] => {
      const progress = windowProgress(data.window, launchAt);
      return [
        { label: 'From launch', value: (i) => `${formatOffset(data.buckets[i]?.t ?? 0)}${soFar(progress, i)}` },
        { label: `Bucket start (${timeZone})`, value: (i) => formatDateTime(data.buckets[i]?.start ?? 0, timeZone) },
        ...values.map((value) => ({ label: value.label, value: (i: number) => bucketCell(value.points, i, progress), numeric: true })),
      ];
    };
    const indexes = (data: { buckets: unknown[] }) => data.buckets.map((_, index) => index);

    const work = [
      show(cards.curve, paths.series, Promise.all([series, lift.catch(() => undefined), gaps]), ([data, liftData, gapItems]) => {
        const baseline = engagementBaseline(data, liftData);
        cards.curve.chart.render(engagementCurve(data, baseline, gapItems, cumulative));
        const points = cumulative ? data.total.cumulative.engagement : data.total.engagement;
        cards.curve.setTable(
          dataTable(`Engagement by ${data.window.bucket}`, [
            ...seriesColumns(data, [{ label: cumulative ? 'Engagement (running total)' : 'Engagement', points }]),
            { label: 'Baseline mean', value: () => num(baseline.mean), numeric: true },
            { label: 'Usual range', value: () => (baseline.low === null ? '' : `${num(baseline.low)} – ${num(baseline.high)}`), numeric: true },
          ], indexes(data)),
        );
        cards.curve.setNote(
          [
            data.window.bucketClamped ? `Hourly buckets are too fine for ${before + after} days: shown by day.` : '',
            notYetNote(windowProgress(data.window, launchAt), data.buckets.length),
            gapItems.length === 1 ? 'A stretch when a source was not collecting is shaded grey.' : '',
            gapItems.length > 1 ? `${gapItems.length} stretches when a source was not collecting are shaded grey.` : '',
          ].filter(Boolean).join(' ') || null,
        );
      }),
      show(cards.daily, paths.daily, Promise.all([api.get<LaunchSeries>(paths.daily), gaps]), ([data, gapItems]) => {
        cards.daily.chart.render(stackedByLocality(data, detail.launches, gapItems));
        const groups = data.split?.groups ?? [];
        const progress = windowProgress(data.window, launchAt);
        cards.daily.setTable(
          dataTable('Posts a day by locality', [
            { label: `Day (${timeZone})`, value: (i: number) => `${formatDateTime(data.buckets[i]?.start ?? 0, timeZone)}${soFar(progress, i)}` },
            ...groups.map((group) => ({ label: group.name, value: (i: number) => bucketCell(group.metrics.posts, i, progress), numeric: true })),
            { label: 'All posts', value: (i: number) => bucketCell(data.total.posts, i, progress), numeric: true },
          ], indexes(data)),
        );
      }),
      show(cards.platforms, paths.platforms, Promise.all([api.get<LaunchSeries>(paths.platforms), gaps]), ([data, gapItems]) => {
        cards.platforms.chart.render(platformSplit(data, gapItems, cumulative));
        const groups = data.split?.groups ?? [];
        cards.platforms.setTable(dataTable('Posts by platform', seriesColumns(data, groups.map((group) => ({ label: group.name, points: cumulative ? group.metrics.cumulative.posts : group.metrics.posts }))), indexes(data)));
      }),
      show(cards.accrual, paths.accrual, api.get<EngagementAccrual>(paths.accrual), (data) => {
        cards.accrual.chart.render(accrualChart(data, launchAt, timeZone, cumulative));
        const pick = (item: EngagementAccrual['accrued']) => ({ label: item.label, points: cumulative ? item.cumulative : item.points });
        cards.accrual.setTable(dataTable('Engagement accrued and by post time', seriesColumns(data, [pick(data.accrued), pick(data.byPostTime)]), indexes(data)));
      }),
      show(cards.lift, paths.lift, lift, (data) => {
        cards.lift.setTable(liftTable(data));
        cards.lift.setNote([liftReasons(data), `Method: ${data.method}.`].filter(Boolean).join(' '));
      }),
      show(cards.localities, paths.lift, lift, (data) => {
        cards.localities.chart.render(localityComparison(data));
        cards.localities.setTable(
          dataTable('Posts a day by locality, before and after', [
            { label: 'Locality', value: (row: LiftRow) => row.name },
            { label: 'Before (a day)', value: (row: LiftRow) => num(row.posts.baselineMean), numeric: true },
            { label: 'After (a day)', value: (row: LiftRow) => num(row.posts.postMean), numeric: true },
            { label: 'Lift', value: (row: LiftRow) => liftCells(row.posts).lift || liftCells(row.posts).note, numeric: true },
            { label: '95% interval', value: (row: LiftRow) => liftCells(row.posts).interval, numeric: true },
          ], data.byLocality),
        );
      }),
      show(cards.halfLife, paths.halfLife, api.get<LaunchHalfLife>(paths.halfLife), (data) => {
        const figure = (label: string, value: LaunchHalfLife['accrued']) =>
          el('div', { className: 'figure' }, el('span', { className: 'figure-value' }, value.hours === null ? '—' : `${value.hours.toFixed(1)} h`), el('span', { className: 'figure-label' }, label));
        cards.halfLife.setBody(el('div', { className: 'figures' }, figure('as engagement happened', data.accrued), figure('by when the posts were made', data.byPostTime)));
        cards.halfLife.setNote(data.complete ? null : `The ${data.windowHours / 24}-day window after the launch is still running: the half-life can still grow.`);
        type HalfLifeRow = { label: string; value: LaunchHalfLife['accrued'] };
        cards.halfLife.setTable(
          dataTable<HalfLifeRow>('Attention half-life', [
            { label: 'Series', value: (row) => row.label },
            { label: 'Hours', value: (row) => num(row.value.hours), numeric: true },
            { label: 'Engagement after the launch', value: (row) => num(row.value.total), numeric: true },
          ], [
            { label: 'Accrued', value: data.accrued },
            { label: 'By post time', value: data.byPostTime },
          ]),
        );
      }),
      show(cards.topPosts, paths.topPosts, api.get<{ items: TopPost[] }>(paths.topPosts), (data) => {
        cards.topPosts.setTable(
          dataTable('Top posts and comments by engagement', [
            { label: '#', value: (post: TopPost) => data.items.indexOf(post) + 1, numeric: true },
            { label: 'Author', value: (post: TopPost) => who(post.author) },
            { label: 'Text', value: (post: TopPost) => el('span', { className: 'post-text' }, post.text ?? '') },
            { label: 'Where', value: (post: TopPost) => (post.platform === 'x' ? 'X' : 'Site comment') },
            { label: 'Posted', value: (post: TopPost) => formatShort(post.createdAt, timeZone) },
            { label: 'Engagement', value: (post: TopPost) => post.engagement, numeric: true },
            { label: 'Localities', value: (post: TopPost) => post.localities.join(', ') },
            { label: 'Link', value: (post: TopPost) => (post.url ? externalLink(post.url, 'open') : '') },
          ], data.items),
        );
      }),
      show(cards.contributors, paths.contributors, api.get<TopContributors>(paths.contributors), (data) => {
        const columns = (measure: 'posts' | 'engagement'): Column<TopContributors['byPosts'][number]>[] => [
          { label: 'Author', value: (author) => (author.url ? externalLink(author.url, who(author)) : who(author)) },
          { label: 'Where', value: (author) => (author.platform === 'x' ? 'X' : 'Site') },
          { label: measure === 'posts' ? 'Posts' : 'Engagement', value: (author) => author[measure], numeric: true },
          { label: measure === 'posts' ? 'Engagement' : 'Posts', value: (author) => author[measure === 'posts' ? 'engagement' : 'posts'], numeric: true },
        ];
        const wrapper = el('div', { className: 'side-by-side' }, dataTable('Most posts', columns('posts'), data.byPosts), dataTable('Most engagement', columns('engagement'), data.byEngagement));
        cards.contributors.setBody(wrapper);
      }),
      show(cards.threads, paths.threads, api.get<{ items: CommentThread[] }>(paths.threads), (data) => {
        cards.threads.setTable(
          dataTable('Comment threads by replies', [
            { label: 'Comment', value: (thread: CommentThread) => el('span', { className: 'post-text' }, thread.root.text ?? '(deleted)') },
            { label: 'Author', value: (thread: CommentThread) => who(thread.root.author) },
            { label: 'Replies', value: (thread: CommentThread) => thread.replies, numeric: true },
            { label: 'People', value: (thread: CommentThread) => thread.participants, numeric: true },
            { label: 'Last reply', value: (thread: CommentThread) => (thread.lastReplyAt ? formatShort(thread.lastReplyAt, timeZone) : '') },
            { label: 'Link', value: (thread: CommentThread) => (thread.root.url ? externalLink(thread.root.url, 'open') : '') },
          ], data.items),
        );
      }),
      show(cards.comments, paths.comments, api.get<{ items: PostItem[] }>(paths.comments), (data) => {
        cards.comments.setBody(latestComments(data.items, timeZone));
      }),
    ];
    await Promise.all(work);
    if (!stale()) status.textContent = `Updated ${formatDateTime(Date.now(), timeZone)}.`;
  }

  return {
    async update(next) {
      route = next;
      await load(false);
    },
    refresh: () => load(true),
    destroy() {
      generation += 1;
      for (const card of Object.values(cards)) card.destroy();
    },
  };
};
