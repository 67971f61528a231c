import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCampaignFile } from '../../src/config/load.js';
import { syncConfig } from '../../src/store/campaigns.js';
import { campaignConfig } from '../support/fixtures.js';
import { addUser, seedCampaign, signIn, startApi, type ApiHarness, type SignedIn } from './helpers.js';

// A source belongs to one campaign: named under another campaign, it is as absent as a missing one,
// in a path (404) and in a filter (400), so one campaign's staff learn nothing of another's sources.

let api: ApiHarness;
let viewer: SignedIn;

beforeAll(async () => {
  api = await startApi();
  await seedCampaign(api.db.pool, 2);
  const elsewhere = parseCampaignFile(
    `campaigns:
  - slug: elsewhere
    name: Another campaign
    localities: [{ slug: bury, name: Bury }]
    sources: [{ slug: elsewhere-x, kind: x-search, query: "#elsewhere", every: 15m }]`,
    'elsewhere.yaml',
  ).campaigns;
  await syncConfig(api.db.pool, [...campaignConfig(), ...elsewhere]);
  await addUser(api.db.pool, 'viewer@example.org', 'viewer');
  viewer = await signIn(api.app, 'viewer@example.org');
});
afterAll(async () => api.close());

const get = (url: string) => api.app.inject({ method: 'GET', url, headers: { cookie: viewer.cookie } });

describe("another campaign's source", () => {
  it('is found under its own campaign', async () => {
    expect((await get('/api/campaigns/elsewhere/sources/elsewhere-x/runs')).statusCode).toBe(200);
    expect((await get('/api/campaigns/elsewhere/posts?source=elsewhere-x')).statusCode).toBe(200);
  });

  it('is not found in a path under this campaign', async () => {
    const response = await get('/api/campaigns/hsm/sources/elsewhere-x/runs');
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: { message: string } }>().error.message).toContain('"elsewhere-x" of campaign "hsm"');
  });

  it.each(['/api/campaigns/hsm/posts?source=elsewhere-x', '/api/campaigns/hsm/coverage-gaps?source=elsewhere-x'])('is a bad filter in %s', async (url) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'BAD_PARAMETER', parameter: 'source', message: 'source "elsewhere-x" is not a source of campaign "hsm"' } });
  });
});
