import { spawnSync } from 'node:child_process';

// `npm run bench`: every benchmark, one after another, each in its own process (so peak-RSS figures
// are its own). Each prints its figure next to the limit it measured in the same run. Pick some with
// arguments (`npm run bench -- x-ingest analytics`); sizes come from each file's BENCH_* variables.

const ALL = ['x-ingest', 'x-backfill-budget', 'site-comments', 'analytics', 'dashboard'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const unknown = chosen.filter((name) => !ALL.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== bench/${name}.ts ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  console.log(`=== ${name}: ${result.status === 0 ? 'done' : `FAILED (exit ${String(result.status)})`} in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
