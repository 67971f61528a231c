import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncConfig } from '../../src/store/campaigns.js';
import { attributionCampaign, attributionCampaignYaml, attributionsOf, ingest, tweet } from '../support/attribution-campaign.js';
import { runCli, type CliResult } from '../support/cli.js';
import { migratedDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let dir: string;
let ids: number[];

beforeAll(async () => {
  db = await migratedDatabase();
  dir = mkdtempSync(join(tmpdir(), 'gs-reattribute-'));
  await syncConfig(db.pool, attributionCampaign());
  const posts = Array.from({ length: 30 }, (_, i) => tweet(i % 5 === 0 ? `Health checks in Merseyway (${i})` : `#Oldham walk (${i})`));
  ({ ids } = await ingest(db.pool, 'rsahealth-x', posts));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/** Runs `groundswell` against this file's database. */
const groundswell = (args: string[]): Promise<CliResult> => runCli(args, { DATABASE_URL: db.url, LOG_LEVEL: 'warn' });

describe('groundswell reattribute', () => {
  it('syncs the edited config, re-attributes the campaign with a progress bar and prints what changed', async () => {
    const edited = configFile('edited.yaml', attributionCampaignYaml({ stockportKeywords: ['Merseyway'] }));
    const result = await groundswell(['reattribute', '--campaign', 'hsm', '--config', edited, '--batch-size', '7']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^campaign hsm: 30 post\(s\) re-attributed, 6 changed, in \d+\.\d s\n$/m);
    expect(result.stderr).toContain('re-attributing hsm [');
    expect(result.stderr).toContain('100% | 30/30 posts');
    expect(await attributionsOf(db.pool, ids[5]!)).toEqual(['stockport keyword Merseyway 0.9']);
    expect(await attributionsOf(db.pool, ids[6]!)).toEqual(['oldham hashtag #Oldham 0.95']);

    const again = await groundswell(['reattribute', '--campaign', 'hsm', '--config', edited]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('campaign hsm: 30 post(s) re-attributed, 0 changed');
  });

  it('names the campaigns it knows when the slug is wrong, and exits 2', async () => {
    const config = configFile('same.yaml', attributionCampaignYaml());
    const result = await groundswell(['reattribute', '--campaign', 'nope', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('groundswell: --campaign: there is no campaign "nope" (the config has: hsm, other)');
  });

  it('exits 2 with usage when --campaign is missing or the batch size is not a number in range', async () => {
    const missing = await groundswell(['reattribute']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--campaign <slug>' not specified");
    const badSize = await groundswell(['reattribute', '--campaign', 'hsm', '--batch-size', '0']);
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toContain('"0" is not a whole number from 1 to 10000');
  });
});
