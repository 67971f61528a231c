import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding Groundswell's package.json. Code runs both from src/ (tests, tsx) and from
 * dist/src/ (the built CLI), so files shipped beside the code (migrations, the dashboard) are found
 * from here rather than from a path relative to the running module.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Groundswell package root (no package.json above the running code)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
