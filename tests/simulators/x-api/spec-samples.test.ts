import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_X_API_DIR, responseSchemaName, specViolations, validateAgainst } from './spec-validator.js';

// Proves the validator the contract tests rely on accepts X's real payloads and can fail.

const samplesDir = path.join(SHARED_X_API_DIR, 'samples');
const read = (name: string): unknown => JSON.parse(readFileSync(path.join(samplesDir, name), 'utf8'));

const SAMPLE_SCHEMAS: Readonly<Record<string, { path: string; status: number; schema?: string }>> = {
  'search-recent.page1.json': { path: '/2/tweets/search/recent', status: 200 },
  'search-recent.empty.json': { path: '/2/tweets/search/recent', status: 200 },
  'tweets-lookup.partial-errors.json': { path: '/2/tweets', status: 200 },
  'tweets-lookup.all-missing.json': { path: '/2/tweets', status: 200 },
  'counts-recent.docs.json': { path: '/2/tweets/counts/recent', status: 200 },
  'error-429.json': { path: '/2/tweets/search/recent', status: 429 },
  'error-400-invalid-request.json': { path: '/2/tweets/search/recent', status: 400 },
};

describe('the OpenAPI validator used by the fake X API contract tests', () => {
  it('knows a schema for every sample except the one marked NOT-SPEC-VALID', () => {
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.json') && !f.includes('NOT-SPEC-VALID'));
    expect(files.sort()).toEqual(Object.keys(SAMPLE_SCHEMAS).sort());
  });

  it.each(Object.entries(SAMPLE_SCHEMAS))('accepts the sample %s', (file, { path: apiPath, status }) => {
    const violations = specViolations({
      method: 'GET',
      path: apiPath,
      status,
      contentType: status >= 400 ? 'application/problem+json' : 'application/json',
      responseBody: JSON.stringify(read(file)),
    });
    expect(violations).toEqual([]);
  });

  it('rejects the simplified documentation example (user without a name, metrics without impressions)', () => {
    const errors = validateAgainst(responseSchemaName('/2/tweets/search/recent', 'get', '200'), read('search-recent.docs-quickstart.NOT-SPEC-VALID.json'));
    const messages = errors.map((e) => `${e.instancePath} ${e.message}`);
    expect(messages).toContain("/includes/users/0 must have required property 'name'");
    expect(messages.some((m) => m.startsWith('/data/0/public_metrics'))).toBe(true);
  });

  it('rejects an error body that is not one of X problem shapes', () => {
    const violations = specViolations({
      method: 'GET',
      path: '/2/tweets/search/recent',
      status: 400,
      contentType: 'application/problem+json',
      responseBody: JSON.stringify({ message: 'bad' }),
    });
    expect(violations.length).toBeGreaterThan(0);
  });

  it('reads response schema names from the spec', () => {
    expect(responseSchemaName('/2/tweets/search/recent', 'get', '200')).toBe('Get2TweetsSearchRecentResponse');
    expect(responseSchemaName('/2/tweets', 'get', '200')).toBe('Get2TweetsResponse');
    expect(responseSchemaName('/2/compliance/jobs', 'post', '200')).toBe('CreateComplianceJobResponse');
  });
});
