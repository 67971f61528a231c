import type { Queue } from 'bullmq';
import { schedulerId } from '../../workers/schedules.js';

// When each source runs next is known only to its BullMQ job scheduler in Redis. The queue's
// connection waits for Redis rather than failing, so the lookup has a deadline: source health must
// still answer (with unknown next runs) when Redis is away.

const DEADLINE_MS = 500;

export function nextRunsFromQueue(queue: Queue): (sourceSlugs: readonly string[]) => Promise<Map<string, Date>> {
  return async (sourceSlugs) => {
    const found = new Map<string, Date>();
    let timer: NodeJS.Timeout | undefined;
    const lookups = Promise.all(
      sourceSlugs.map(async (slug) => {
        const scheduler = await queue.getJobScheduler(schedulerId({ slug }));
        if (scheduler?.next) found.set(slug, new Date(scheduler.next));
      }),
    ).catch(() => undefined);
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DEADLINE_MS);
    });
    await Promise.race([lookups, deadline]);
    clearTimeout(timer);
    return new Map(found);
  };
}
