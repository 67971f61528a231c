import { hoursFromLaunch, type LaunchWindow } from './launch-window.js';

/** One chart point: x is hours from the launch to the bucket's start (t = 0 at the launch), y its value. */
export interface Point {
  x: number;
  y: number;
}

/** Every bucket of the window in order, 0 where the data had no row. */
export function zeroFilled(window: LaunchWindow, valueByBucket: ReadonlyMap<number, number>): Point[] {
  return Array.from({ length: window.bucketCount }, (_, index) => ({ x: hoursFromLaunch(window, index), y: valueByBucket.get(index) ?? 0 }));
}

/** Running totals. Only meaningful for additive measures (posts, engagement), not for distinct counts. */
export function cumulative(points: readonly Point[]): Point[] {
  let total = 0;
  return points.map(({ x, y }) => {
    total += y;
    return { x, y: total };
  });
}

