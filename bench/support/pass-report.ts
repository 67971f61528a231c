import { availableParallelism } from 'node:os';
import type { PassResult } from './compiled-pass.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');

export interface PassAgainstCopy {
  /** The stages the pass went through, e.g. "fake X → client → validate → normalise → upsert". */
  pipeline: string;
  /** What the source's items are called: "posts", "comments". */
  unit: string;
  /** How many rows the pass stored, which the COPY copied too. */
  stored: number;
  pass: PassResult & { cpu: string };
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
  console.log(`${pass.cpu} (${availableParallelism()} cores: ingest wall time ${pass.seconds.toFixed(1)} s)`);
  console.log(`ingest / COPY: ${((100 * ingestRate) / copyRate).toFixed(1)}%${targets ? ` (target ≥ ${targets.percentOfCopy}%)` : ''}`);
  console.log(`peak RSS of the ingesting process (compiled, as a worker runs): ${pass.peakRssMb.toFixed(0)} MB${targets ? ` (target ≤ ${targets.peakRssMb} MB)` : ''}`);
}
