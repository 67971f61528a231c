import { describe, expect, it } from 'vitest';
import { nextRefreshAt, refreshMoments } from '../../src/domain/engagement-schedule.js';

const at = (iso: string) => new Date(iso);
const posted = at('2026-11-10T10:00:00Z');

describe('the engagement refresh schedule', () => {
  it('reads a post about 1 h, 6 h, 24 h, 72 h and 7 days after it was posted', () => {
    expect(refreshMoments(posted, []).map((d) => d.toISOString())).toEqual([
      '2026-11-10T11:00:00.000Z',
      '2026-11-10T16:00:00.000Z',
      '2026-11-11T10:00:00.000Z',
      '2026-11-13T10:00:00.000Z',
      '2026-11-17T10:00:00.000Z',
    ]);
  });

  it('also reads posts from the 14 days before a launch at the launch, a day and three days after it', () => {
    const launch = at('2026-11-20T10:00:00Z');
    const moments = refreshMoments(posted, [launch]).map((d) => d.toISOString());
    expect(moments).toContain('2026-11-20T10:00:00.000Z');
    expect(moments).toContain('2026-11-21T10:00:00.000Z');
    expect(moments).toContain('2026-11-23T10:00:00.000Z');
    expect(moments).toHaveLength(8);
    // Too long before the launch, or after it: only the post's own ages.
    expect(refreshMoments(at('2026-11-01T10:00:00Z'), [launch])).toHaveLength(5);
    expect(refreshMoments(at('2026-11-20T11:00:00Z'), [launch])).toHaveLength(5);
  });

  it('schedules the first moment at least 30 minutes after the metrics were last seen, and ends after the last', () => {
    expect(nextRefreshAt(posted, [], at('2026-11-10T10:05:00Z'))).toEqual(at('2026-11-10T11:00:00Z'));
    // Collected 45 minutes late: the 1 h read would add nothing, so the next is at 6 h.
    expect(nextRefreshAt(posted, [], at('2026-11-10T10:45:00Z'))).toEqual(at('2026-11-10T16:00:00Z'));
    // Read late after an outage: one catch-up read, then on with the schedule.
    expect(nextRefreshAt(posted, [], at('2026-11-12T09:00:00Z'))).toEqual(at('2026-11-13T10:00:00Z'));
    expect(nextRefreshAt(posted, [], at('2026-11-17T10:00:00Z'))).toBeNull();
  });
});
