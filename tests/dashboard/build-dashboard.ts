import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BuiltDashboard {
  dir: string;
  js: string;
  css: string;
}

/** Builds the dashboard into a fresh temporary folder with the real build script, as `npm run build` does. */
export async function buildDashboardForTest(): Promise<BuiltDashboard> {
  const dir = await mkdtemp(join(tmpdir(), 'gs-dashboard-'));
  await run(process.execPath, ['dashboard/build.mjs', '--outdir', dir], { cwd: join(import.meta.dirname, '..', '..') });
  const files = await readdir(dir);
  const js = files.find((file) => /^app-[A-Z0-9]+\.js$/.test(file));
  const css = files.find((file) => /^app-[A-Z0-9]+\.css$/.test(file));
  if (!js || !css) throw new Error(`the dashboard build left no app-….js and app-….css in ${dir} (found: ${files.join(', ')})`);
  return { dir, js, css };
}
