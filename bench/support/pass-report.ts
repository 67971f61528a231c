import { availableParallelism } from 'node:os';
import type { PassResult } from './compiled-pass.js';
import type { CpuSplit } from './cpu.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

export interface PassAgainstCopy {
  /** The stages the pass went through, e.g. "fake X → client → validate → normalise → upsert". */
  pipeline: string;
  /** What the source's items are called: "posts", "comments". */
  unit: string;
  /** How many rows the pass stored, which the COPY copied too. */
  stored: number;
  pass: PassResult & { cpu: CpuSplit };
  copy: { seconds: number; runs: number[] };
  /** The issue's targets, printed beside the figures they judge. */
  targets?: { percentOfCopy: number; peakRssMb: number };
}

/** Prints a compiled pass's figures next to the COPY limit measured in the same run. */
export function printPassAgainstCopy(report: PassAgainstCopy): void {
  const { pass, copy, stored, unit, targets } = report;
  const ingestRate = stored / pass.seconds;
  const copyRate = stored / copy.seconds;
  const ingestLabel = `ingest (${report.pipeline}): `;
  console.log('');
  console.log(`${ingestLabel}${fmt(stored)} ${unit} in ${pass.seconds.toFixed(1)} s = ${fmt(ingestRate)} ${unit}/s (${String(pass.outcome.pages)} pages)`);
  // Padded so that the two rates stand one above the other.
  console.log(`${'raw COPY of the same rows, table to table, same run: '.padEnd(ingestLabel.length)}${fmt(stored)} rows in ${copy.seconds.toFixed(1)} s = ${fmt(copyRate)} rows/s (median of ${copy.runs.map((run) => run.toFixed(1)).join(' / ')} s)`);
  console.log(`fetching + normalising pages took ${pass.fetchSeconds.toFixed(1)} s in all (overlapped with storing: every page that has arrived is stored in one transaction)`);
  const cores = availableParallelism();
  console.log(`${pass.cpu.text} (${cores} cores: ingest wall time ${pass.seconds.toFixed(1)} s)`);
  console.log(`ingest / COPY: ${((100 * ingestRate) / copyRate).toFixed(1)}%${targets ? ` (target ≥ ${targets.percentOfCopy}%)` : ''}`);
  if (pass.cpu.totalSeconds !== undefined) {
    // The processes of the pipeline share these cores, so their CPU per item caps the rate however
    // well the work overlaps: a ratio above this ceiling needs less CPU per item, not more overlap.
    const perItemUs = (1e6 * pass.cpu.totalSeconds) / stored;
    const ceiling = (cores * 1e6) / perItemUs;
    console.log(
      `CPU ceiling: ${perItemUs.toFixed(0)} µs of CPU per ${unit.replace(/s$/, '')} in all three processes; with all ${cores} cores busy that allows at most ${fmt(ceiling)} ${unit}/s = ` +
        `${((100 * ceiling) / copyRate).toFixed(1)}% of this run's COPY (the pass kept the cores ${((100 * pass.cpu.totalSeconds) / (cores * pass.seconds)).toFixed(0)}% busy)`,
    );
  }
  console.log(`peak RSS of the ingesting process (compiled, as a worker runs): ${pass.peakRssMb.toFixed(0)} MB${targets ? ` (target ≤ ${targets.peakRssMb} MB)` : ''}`);
}
