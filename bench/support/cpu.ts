import { readFileSync } from 'node:fs';
import type { Pool } from '../../src/store/db.js';

// Where the CPU time of a benchmark went: the ingesting process (which reports its own), a helper
// process (the fake API), and the PostgreSQL backends serving the benchmark's database. On a 2-core machine these three share the
// cores, so their sum says more about the limit than any one of them. Linux only (/proc); elsewhere
// the figures are left out.

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far, or undefined when /proc cannot tell. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

async function backendPids(pool: Pool): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  return rows.map((row) => row.pid);
}

export interface CpuSample {
  helper: number | undefined;
  postgres: Map<number, number>;
}

/** CPU seconds so far of the helper and this database's PostgreSQL backends. */
export async function sampleCpu(pool: Pool, helperPid: number | undefined): Promise<CpuSample> {
  const postgres = new Map<number, number>();
  for (const pid of await backendPids(pool)) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) postgres.set(pid, seconds);
  }
  return { helper: helperPid === undefined ? undefined : processCpuSeconds(helperPid), postgres };
}

export interface CpuSplit {
  /** "CPU time: ingesting process 3.1 s, fake X API 1.2 s, PostgreSQL backends 3.0 s". */
  text: string;
  /** The three together, or undefined when /proc could not tell the helper's or the backends' share. */
  totalSeconds: number | undefined;
}

/**
 * Where the CPU went between two samples (backends that came and went are counted from 0), with the
 * ingesting process's own figure.
 */
export function describeCpu(before: CpuSample, after: CpuSample, helperName: string, ingestingSeconds: number): CpuSplit {
  const postgres = [...after.postgres].reduce((sum, [pid, seconds]) => sum + seconds - (before.postgres.get(pid) ?? 0), 0);
  const helper = before.helper !== undefined && after.helper !== undefined ? after.helper - before.helper : undefined;
  const parts = [`ingesting process ${ingestingSeconds.toFixed(1)} s`];
  if (helper !== undefined) parts.push(`${helperName} ${helper.toFixed(1)} s`);
  if (after.postgres.size > 0) parts.push(`PostgreSQL backends ${postgres.toFixed(1)} s`);
  const totalSeconds = helper !== undefined && after.postgres.size > 0 ? ingestingSeconds + helper + postgres : undefined;
  return { text: `CPU time: ${parts.join(', ')}`, totalSeconds };
}
