import cliProgress from 'cli-progress';
import type { RunCounts } from '../store/runs.js';

// Progress for the long foreground commands (ingest, backfill). On a terminal it is a live bar on
// stderr; in a log file or CI it becomes a plain line every few seconds, so a long run never looks hung.

export interface PassProgress {
  update(counts: Readonly<RunCounts>): void;
  waiting(resetAt: Date): void;
  stop(): void;
}

const droppedTotal = (counts: Readonly<RunCounts>) => Object.values(counts.dropped).reduce((sum, n) => sum + n, 0);

/**
 * A bar over `expectedPosts` when the total is known (backfill, from X's counts), otherwise a
 * running tally of pages and posts (an incremental pass cannot know how much is new).
 */
export function passProgress(label: string, options: { expectedPosts?: number; stream?: NodeJS.WriteStream } = {}): PassProgress {
  const stream = options.stream ?? process.stderr;
  const known = options.expectedPosts !== undefined;
  const tally = 'pages {pages} · fetched {fetched} · new {new} · updated {updated} · removed {removed} · dropped {dropped}{status}';
  const bar = new cliProgress.SingleBar(
    {
      format: known ? `${label} |{bar}| {percentage}% · {value}/{total} posts · eta {eta_formatted} · ${tally}` : `${label} · ${tally}`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 3_000,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (counts: Readonly<RunCounts>, status = '') => ({
    pages: counts.pages,
    fetched: counts.fetched,
    new: counts.newCount,
    updated: counts.updatedCount,
    removed: counts.removedCount,
    dropped: droppedTotal(counts),
    status,
  });
  let last: Readonly<RunCounts> = { pages: 0, fetched: 0, newCount: 0, updatedCount: 0, removedCount: 0, dropped: {}, rateLimitWaits: 0, rateLimitWaitMs: 0 };
  // An estimate can be low (posts arrive while the backfill runs): let the bar grow rather than pass 100%.
  let total = Math.max(1, options.expectedPosts ?? 0);
  bar.start(total, 0, payload(last));
  return {
    update(counts) {
      last = { ...counts, dropped: { ...counts.dropped } };
      if (known && counts.fetched > total) {
        total = counts.fetched;
        bar.setTotal(total);
      }
      bar.update(known ? counts.fetched : 0, payload(counts));
    },
    waiting(resetAt) {
      bar.update(payload(last, ` · waiting for X's rate limit until ${resetAt.toISOString().slice(11, 19)} UTC`));
    },
    stop() {
      bar.stop();
    },
  };
}

/** The one-paragraph summary a foreground pass ends with. */
export function describeCounts(counts: Readonly<RunCounts>): string {
  const dropped = Object.entries(counts.dropped)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${reason}: ${n}`)
    .join(', ');
  return [
    `pages ${counts.pages}`,
    `fetched ${counts.fetched}`,
    `new ${counts.newCount}`,
    `updated ${counts.updatedCount}`,
    `removed ${counts.removedCount}`,
    `dropped ${droppedTotal(counts)}${dropped ? ` (${dropped})` : ''}`,
    `rate-limit waits ${counts.rateLimitWaits}${counts.rateLimitWaits ? ` (${(counts.rateLimitWaitMs / 1000).toFixed(1)} s)` : ''}`,
  ].join(' · ');
}
