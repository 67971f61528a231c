import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/runtime/package-root.js';

/** The team's shared reference material, checked out beside the repository (../shared). */
export const sharedPath = (...parts: string[]) => join(packageRoot(), '..', 'shared', ...parts);

export const readSharedJson = (...parts: string[]): unknown => JSON.parse(readFileSync(sharedPath(...parts), 'utf8'));
