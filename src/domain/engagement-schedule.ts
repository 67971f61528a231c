// When an X post's engagement is re-read. Engagement grows fast and then settles, so reads thin out
// with the post's age: about 1 h, 6 h, 24 h, 72 h and 7 days after it was posted. A launch can
// revive older posts, so posts from the 14 days before a launch of their campaign are also read at
// the launch and 24 h and 72 h after it; posts made after a launch are covered by their own ages.
//
// A read is never scheduled within 30 minutes of the last time the post's metrics were seen (a
// collection pass or a read): moments that close together add nothing, and a moment missed while
// workers were down is caught up by one read, not several.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export const AGE_STEPS_MS: readonly number[] = [HOUR, 6 * HOUR, DAY, 3 * DAY, 7 * DAY];
export const LAUNCH_LOOKBACK_MS = 14 * DAY;
export const LAUNCH_STEPS_MS: readonly number[] = [0, DAY, 3 * DAY];
export const MIN_GAP_MS = 30 * 60 * 1000;

/** Every moment a post posted at `postedAt` is due a read, given its campaigns' launches; ascending. */
export function refreshMoments(postedAt: Date, launches: readonly Date[]): Date[] {
  const posted = postedAt.getTime();
  const moments = new Set(AGE_STEPS_MS.map((step) => posted + step));
  for (const launch of launches) {
    const at = launch.getTime();
    if (posted < at - LAUNCH_LOOKBACK_MS || posted >= at) continue;
    for (const step of LAUNCH_STEPS_MS) moments.add(at + step);
  }
  return [...moments].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/**
 * The next read after metrics were last seen at `lastSeenAt`: the first moment at least MIN_GAP_MS
 * later, or null when the schedule is over.
 */
export function nextRefreshAt(postedAt: Date, launches: readonly Date[], lastSeenAt: Date): Date | null {
  const earliest = lastSeenAt.getTime() + MIN_GAP_MS;
  return refreshMoments(postedAt, launches).find((moment) => moment.getTime() >= earliest) ?? null;
}

// Compliance rechecks. X's Developer Policy wants posts their authors delete or protect purged from
// storage. Batch compliance jobs find them wherever the token may run them; where it may not, only a
// lookup can, and the schedule above stops reading a post 7 days after it was posted. So posts of such
// campaigns are looked up again once they have gone unread for X_COMPLIANCE_RECHECK_DAYS.

/**
 * The share of the daily read budget rechecks may spend per UTC day. Rechecks are catch-up work
 * with no deadline within the day, while due reads are timed to engagement that will not wait; a
 * quarter, taken after the due reads of the moment, leaves the rest of the day's due reads three
 * quarters of the budget, and still rechecks a quarter of the budget's worth of posts a day.
 */
export const RECHECK_BUDGET_SHARE = 0.25;

/** Recheck reads allowed per UTC day out of a daily read budget (rounded down). */
export const recheckDailyCap = (dailyReadBudget: number): number => Math.floor(dailyReadBudget * RECHECK_BUDGET_SHARE);

/** Posts not read since this moment are due a recheck (`days` is X_COMPLIANCE_RECHECK_DAYS, more than 0). */
export const recheckReadBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY);
