import type { Point, WindowInfo } from './api-types.js';
import { num } from './data-table.js';
import { HOUR_MS } from './time.js';

// How much of a launch window had happened when the API answered (window.asOf). Series come
// zero-filled over the whole window, so a 0 in a bucket from window.startedBuckets on means "not
// yet", not "nothing happened": charts leave those buckets out (a gap, not a line along 0), tables
// say so, and the bucket still running is marked as a count so far.

/** What a data table shows for a bucket that has not started. */
export const NOT_YET = '–';

export interface WindowProgress {
  /** Buckets that had started at asOf. */
  started: number;
  /** Buckets that had ended at asOf: the started ones but for one still running. */
  complete: number;
  /** The index of the bucket still running at asOf, or null. */
  inProgress: number | null;
  /** asOf as hours from the launch: where the "now" marker goes. */
  nowX: number;
  /** asOf is before the launch instant. */
  beforeLaunch: boolean;
}

export function windowProgress(window: WindowInfo, launchAt: string | number): WindowProgress {
  const at = typeof launchAt === 'number' ? launchAt : Date.parse(launchAt);
  const asOf = Date.parse(window.asOf);
  const started = window.startedBuckets;
  const bucketMs = (window.bucket === 'hour' ? 1 : 24) * HOUR_MS;
  const inProgress = started > 0 && asOf < Date.parse(window.from) + started * bucketMs ? started - 1 : null;
  return { started, complete: inProgress === null ? started : started - 1, inProgress, nowX: (asOf - at) / HOUR_MS, beforeLaunch: asOf < at };
}

/** Chart points, with the buckets not yet started given no value: Chart.js draws nothing there. */
export const startedPoints = (points: readonly Point[], progress: WindowProgress): { x: number; y: number | null }[] =>
  points.map((point, index) => ({ x: point.x, y: index < progress.started ? point.y : null }));

/** A table cell for one bucket of a series: its number, or "–" when it has not started. */
export const bucketCell = (points: readonly Point[], index: number, progress: WindowProgress): string => (index < progress.started ? num(points[index]?.y) : NOT_YET);

/** " (so far)" for the bucket still running, to follow its label. */
export const soFar = (progress: WindowProgress | undefined, index: number): string => (progress?.inProgress === index ? ' (so far)' : '');
