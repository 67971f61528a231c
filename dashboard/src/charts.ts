import type { ChartConfiguration, ChartDataset, ChartOptions, TooltipItem } from 'chart.js';
import type { AnnotationOptions } from 'chartjs-plugin-annotation';
import type { CoverageGap, LaunchComparison, LaunchLift, LaunchSeries, EngagementAccrual, Launch, MetricSeries, Point } from './api-types.js';
import { formatDateTime, formatDay, formatOffset, HOUR_MS } from './time.js';
import { soFar, startedPoints, windowProgress, type WindowProgress } from './window-progress.js';

// Chart configurations, built from API answers. x is hours from the launch (t = 0) on every
// launch-aligned chart; tooltips give the bucket's start in the campaign's time zone. Buckets that
// had not started when the API answered are not drawn (window-progress.ts), and a line marks "now"
// where it falls inside the chart.


export const PALETTE = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6a4c93', '#00798c', '#8d6a9f', '#e07a5f', '#3d405b'];
const GREY = '#8a8f98';
const NOW_COLOUR = '#b5472b';
export const colourAt = (index: number) => PALETTE[index % PALETTE.length]!;

const translucent = (hex: string, alpha: number) => {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
};

type LinearScale = NonNullable<NonNullable<ChartOptions<'line'>['scales']>['x']>;

const TICK_STEPS_HOURS = [1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 672, 1344];

function launchAxis(bucketHours: number, from: number, to: number): LinearScale {
  // Ticks at whole hours or days from the launch (t = 0 among them), at most about a dozen. Chart.js
  // would space them evenly between min and max instead, so they are set here.
  const step = TICK_STEPS_HOURS.find((candidate) => candidate >= bucketHours && (to - from) / candidate <= 12) ?? 2688;
  const ticks: { value: number }[] = [];
  for (let value = Math.ceil(from / step) * step; value <= to; value += step) ticks.push({ value });
  return {
    type: 'linear',
    min: from,
    max: to,
    title: { display: true, text: 'time from the launch' },
    afterBuildTicks: (scale) => {
      scale.ticks = ticks.map((tick) => ({ ...tick }));
    },
    ticks: { callback: (value) => formatOffset(Number(value)), autoSkip: true, maxRotation: 0 },
    grid: { color: (context) => (context.tick?.value === 0 ? '#444' : '#e6e6e6') },
  };
}

/**
 * Coverage gaps as shaded boxes, so a stretch with no data reads as "not collected", not as silence.
 * A gap still open ends at `asOf`, where the series it shades ends, not at the browser's clock.
 */
export function gapAnnotations(gaps: readonly CoverageGap[], toX: (instant: number) => number, limits: { min: number; max: number }, asOf: number): AnnotationOptions[] {
  return gaps.flatMap((gap, index) => {
    const from = Math.max(limits.min, toX(Date.parse(gap.from)));
    const to = Math.min(limits.max, toX(gap.to ? Date.parse(gap.to) : asOf));
    if (!(to > from)) return [];
    return [
      {
        type: 'box',
        id: `gap-${index}`,
        xMin: from,
        xMax: to,
        backgroundColor: 'rgba(120, 120, 120, 0.18)',
        borderColor: 'rgba(120, 120, 120, 0.5)',
        borderWidth: 1,
        borderDash: [4, 3],
        label: { display: true, content: `not collected: ${gap.source}`, position: { x: 'center', y: 'start' }, font: { size: 10 }, color: '#555' },
      } satisfies AnnotationOptions,
    ];
  });
}

const launchLine = (x: number, label: string, colour = '#222', labelAt: 'start' | 'end' = 'start'): AnnotationOptions => ({
  type: 'line',
  xMin: x,
  xMax: x,
  borderColor: colour,
  borderWidth: 2,
  borderDash: label === 'launch' ? [] : [6, 4],
  label: { display: true, content: label, position: labelAt, backgroundColor: 'rgba(255,255,255,0.85)', color: '#222', font: { size: 11 } },
});

/**
 * "now" where it falls inside the chart's x range (nothing outside it): to its right nothing has
 * happened yet. Labelled at the other end of its line from the launch's label, so the two stay
 * readable when a launch has only just happened.
 */
const nowLine = (x: number, limits: { min: number; max: number }, colour = NOW_COLOUR): AnnotationOptions[] =>
  x >= limits.min && x <= limits.max ? [launchLine(x, 'now', colour, 'end')] : [];

function titleAt(launchAt: number, timeZone: string, progress: WindowProgress) {
  return (items: TooltipItem<'line'>[]) => {
    const x = items[0]?.parsed.x;
    return typeof x === 'number' ? `${formatOffset(x)} · ${formatDateTime(launchAt + x * HOUR_MS, timeZone)}${soFar(progress, items[0]?.dataIndex ?? -1)}` : '';
  };
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export interface Baseline {
  /** Baseline mean per bucket: the lift's daily mean scaled to the bucket; null without a complete pre-launch bucket. */
  mean: number | null;
  /** The usual range of a pre-launch bucket: 10th to 90th percentile; null without complete pre-launch buckets. */
  low: number | null;
  high: number | null;
}

export function engagementBaseline(series: LaunchSeries, lift: LaunchLift | undefined): Baseline {
  const bucketHours = series.window.bucket === 'hour' ? 1 : 24;
  const progress = windowProgress(series.window, series.launch.at);
  const launchAt = Date.parse(series.launch.at);
  // The days the lift's baseline covered: the last ones before the launch, or, for a launch still
  // ahead, its complete days so far counted from the baseline's start. Without a lift, the window's.
  const fromX = lift ? (Date.parse(lift.baseline.from) - launchAt) / HOUR_MS : -series.window.before * 24;
  const toX = lift ? (Date.parse(lift.baseline.to) - launchAt) / HOUR_MS : 0;
  // Complete buckets only: the zero-filled 0 of one not yet started, or the count so far of one
  // still running, would pull the band down to nothing.
  const before = series.total.engagement.filter((point, index) => index < progress.complete && point.x >= fromX && point.x + bucketHours <= toX).map((point) => point.y);
  const sorted = [...before].sort((a, b) => a - b);
  const ownMean = before.length ? before.reduce((a, b) => a + b, 0) / before.length : null;
  const mean = lift ? (lift.baseline.days > 0 ? (lift.total.engagement.baselineMean * bucketHours) / 24 : null) : ownMean;
  return { mean, low: sorted.length ? percentile(sorted, 0.1) : null, high: sorted.length ? percentile(sorted, 0.9) : null };
}

export function engagementCurve(series: LaunchSeries, baseline: Baseline, gaps: readonly CoverageGap[], cumulative: boolean): ChartConfiguration<'line'> {
  const launchAt = Date.parse(series.launch.at);
  const bucketHours = series.window.bucket === 'hour' ? 1 : 24;
  const min = -series.window.before * 24;
  const max = series.window.after * 24 - bucketHours;
  const progress = windowProgress(series.window, launchAt);
  const points = cumulative ? series.total.cumulative.engagement : series.total.engagement;
  const xs = points.map((point) => point.x);
  const datasets: ChartDataset<'line', { x: number; y: number | null }[]>[] = [];
  const mean = baseline.mean;
  if (cumulative) {
    if (mean !== null) {
      let running = 0;
      datasets.push({
        label: 'At the baseline rate',
        data: xs.map((x) => ({ x, y: (running += mean) })),
        borderColor: GREY,
        borderDash: [6, 4],
        pointRadius: 0,
        borderWidth: 1.5,
      });
    }
  } else {
    if (baseline.low !== null && baseline.high !== null) {
      datasets.push({ label: 'Usual range before the launch (low)', data: xs.map((x) => ({ x, y: baseline.low! })), borderWidth: 0, pointRadius: 0, fill: false });
      datasets.push({
        label: 'Usual range before the launch (10th–90th percentile)',
        data: xs.map((x) => ({ x, y: baseline.high! })),
        borderWidth: 0,
        pointRadius: 0,
        backgroundColor: 'rgba(138, 143, 152, 0.22)',
        fill: '-1',
      });
    }
    if (mean !== null) {
      datasets.push({ label: 'Baseline (mean before the launch)', data: xs.map((x) => ({ x, y: mean })), borderColor: GREY, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 });
    }
  }
  datasets.push({
    label: cumulative ? 'Engagement, running total' : 'Engagement of posts made in each bucket',
    data: startedPoints(points, progress),
    borderColor: PALETTE[0],
    backgroundColor: translucent(PALETTE[0]!, 0.15),
    pointRadius: points.length > 80 ? 0 : 2,
    borderWidth: 2,
    tension: 0.15,
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      spanGaps: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: launchAxis(bucketHours, min, max), y: { beginAtZero: true, title: { display: true, text: 'engagement' } } },
      plugins: {
        legend: { labels: { filter: (item) => !item.text.endsWith('(low)') } },
        tooltip: { callbacks: { title: titleAt(launchAt, series.campaign.timezone, progress) }, filter: (item) => !item.dataset.label?.endsWith('(low)') },
        annotation: { annotations: [...gapAnnotations(gaps, (instant) => (instant - launchAt) / HOUR_MS, { min, max }, Date.parse(series.window.asOf)), launchLine(0, 'launch'), ...nowLine(progress.nowX, { min, max })] },
      },
    },
  };
}

/** Posts per launch-aligned day, stacked by locality, with every launch of the campaign in the window marked. */
export function stackedByLocality(series: LaunchSeries, launches: readonly Launch[], gaps: readonly CoverageGap[]): ChartConfiguration<'bar'> {
  const timeZone = series.campaign.timezone;
  const from = Date.parse(series.window.from);
  const to = Date.parse(series.window.to);
  const bucketMs = (series.window.bucket === 'hour' ? 1 : 24) * HOUR_MS;
  const labels = series.buckets.map((bucket) => (series.window.bucket === 'day' ? formatDay(bucket.start, timeZone) : formatDateTime(bucket.start, timeZone)));
  // On a category axis bucket i spans i − 0.5 … i + 0.5, so an instant sits at its fraction of the buckets minus a half.
  const toIndex = (instant: number) => (instant - from) / bucketMs - 0.5;
  const groups = series.split?.groups ?? [];
  const progress = windowProgress(series.window, series.launch.at);
  const markers = launches
    .filter((launch) => launch.enabled && Date.parse(launch.at) >= from && Date.parse(launch.at) < to)
    .map((launch) => launchLine(toIndex(Date.parse(launch.at)), launch.slug === series.launch.slug ? 'launch' : launch.title.slice(0, 40), launch.slug === series.launch.slug ? '#222' : '#6a4c93'));
  return {
    type: 'bar',
    data: {
      labels,
      datasets: groups.map((group, index) => ({
        label: group.name,
        data: startedPoints(group.metrics.posts, progress).map((point) => point.y),
        backgroundColor: group.slug === null ? GREY : colourAt(index),
        stack: 'posts',
      })),
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'posts' } } },
      plugins: {
        tooltip: { callbacks: { title: (items) => (items[0] ? `${items[0].label}${soFar(progress, items[0].dataIndex)}` : '') } },
        annotation: {
          annotations: [...gapAnnotations(gaps, toIndex, { min: -0.5, max: labels.length - 0.5 }, Date.parse(series.window.asOf)), ...markers, ...nowLine(toIndex(Date.parse(series.window.asOf)), { min: -0.5, max: labels.length - 0.5 })],
        },
      },
    },
  };
}

/** Per locality: mean posts a day before the launch against after it. */
export function localityComparison(lift: LaunchLift): ChartConfiguration<'bar'> {
  const rows = lift.byLocality;
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.name),
      datasets: [
        { label: `Before: mean posts a day (${lift.baseline.days} d)`, data: rows.map((row) => row.posts.baselineMean), backgroundColor: GREY },
        { label: `After: mean posts a day (${lift.post.days} d)`, data: rows.map((row) => row.posts.postMean ?? 0), backgroundColor: PALETTE[0] },
      ],
    },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: 'posts a day' } } } },
  };
}

/** Posts per bucket on X against comments on the campaign's sites. */
export function platformSplit(series: LaunchSeries, gaps: readonly CoverageGap[], cumulative: boolean): ChartConfiguration<'line'> {
  const launchAt = Date.parse(series.launch.at);
  const bucketHours = series.window.bucket === 'hour' ? 1 : 24;
  const min = -series.window.before * 24;
  const max = series.window.after * 24 - bucketHours;
  const progress = windowProgress(series.window, launchAt);
  return {
    type: 'line',
    data: {
      datasets: (series.split?.groups ?? []).map((group, index) => ({
        label: group.name,
        data: startedPoints(cumulative ? group.metrics.cumulative.posts : group.metrics.posts, progress),
        borderColor: colourAt(index),
        backgroundColor: translucent(colourAt(index), 0.15),
        pointRadius: 0,
        borderWidth: 2,
      })),
    },
    options: {
      parsing: false,
      spanGaps: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: launchAxis(bucketHours, min, max), y: { beginAtZero: true, title: { display: true, text: cumulative ? 'posts, running total' : 'posts' } } },
      plugins: {
        tooltip: { callbacks: { title: titleAt(launchAt, series.campaign.timezone, progress) } },
        annotation: { annotations: [...gapAnnotations(gaps, (instant) => (instant - launchAt) / HOUR_MS, { min, max }, Date.parse(series.window.asOf)), launchLine(0, 'launch'), ...nowLine(progress.nowX, { min, max })] },
      },
    },
  };
}

export function accrualChart(accrual: EngagementAccrual, launchAt: number, timeZone: string, cumulative: boolean): ChartConfiguration<'line'> {
  const bucketHours = accrual.window.bucket === 'hour' ? 1 : 24;
  const min = -accrual.window.before * 24;
  const max = accrual.window.after * 24 - bucketHours;
  const progress = windowProgress(accrual.window, launchAt);
  const series = [accrual.accrued, accrual.byPostTime];
  return {
    type: 'line',
    data: {
      datasets: series.map((item, index) => ({
        label: item.label,
        data: startedPoints(cumulative ? item.cumulative : item.points, progress),
        borderColor: colourAt(index + 2),
        pointRadius: 0,
        borderWidth: 2,
        borderDash: index === 1 ? [5, 3] : [],
      })),
    },
    options: {
      parsing: false,
      spanGaps: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: launchAxis(bucketHours, min, max), y: { beginAtZero: true, title: { display: true, text: 'engagement' } } },
      plugins: { tooltip: { callbacks: { title: titleAt(launchAt, timeZone, progress) } }, annotation: { annotations: [launchLine(0, 'launch'), ...nowLine(progress.nowX, { min, max })] } },
    },
  };
}

export type Measure = 'posts' | 'engagement' | 'uniqueAuthors' | 'reach';

export const MEASURE_LABELS: Record<Measure, string> = { posts: 'Posts', engagement: 'Engagement', uniqueAuthors: 'Distinct authors', reach: 'Reach (followers)' };

export function measurePoints(metrics: MetricSeries, measure: Measure, cumulative: boolean): Point[] {
  if (cumulative && (measure === 'posts' || measure === 'engagement')) return metrics.cumulative[measure];
  return metrics[measure];
}

type ComparedLaunch = LaunchComparison['launches'][number];

/** A compared launch's name in the legend and the table: said to be still ahead when it is. */
export const comparedLaunchLabel = (launch: ComparedLaunch, progress: WindowProgress) => (progress.beforeLaunch ? `${launch.title} (not yet launched)` : launch.title);

/** Launches overlaid at t = 0; each drawn only as far as it has happened, with "now" marked in its colour. */
export function comparisonChart(comparison: LaunchComparison, measure: Measure, cumulative: boolean): ChartConfiguration<'line'> {
  const bucketHours = comparison.bucket === 'hour' ? 1 : 24;
  const min = comparison.t[0] ?? 0;
  const max = comparison.t[comparison.t.length - 1] ?? 0;
  const progress = comparison.launches.map((launch) => windowProgress(launch.window, launch.at));
  return {
    type: 'line',
    data: {
      datasets: comparison.launches.map((launch, index) => ({
        label: comparedLaunchLabel(launch, progress[index]!),
        data: startedPoints(measurePoints(launch.metrics, measure, cumulative), progress[index]!),
        borderColor: colourAt(index),
        backgroundColor: translucent(colourAt(index), 0.1),
        pointRadius: 0,
        borderWidth: 2,
      })),
    },
    options: {
      parsing: false,
      spanGaps: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: { x: launchAxis(bucketHours, min, max), y: { beginAtZero: true, title: { display: true, text: `${MEASURE_LABELS[measure]}${cumulative && (measure === 'posts' || measure === 'engagement') ? ', running total' : ''}` } } },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${item.formattedValue}${soFar(progress[item.datasetIndex], item.dataIndex)}` } },
        annotation: { annotations: [launchLine(0, 'launch'), ...progress.flatMap((launch, index) => nowLine(launch.nowX, { min, max }, colourAt(index)))] },
      },
    },
  };
}
