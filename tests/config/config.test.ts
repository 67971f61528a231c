import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseEnvironment } from '../../src/config/env.js';
import { loadCampaignFile, parseCampaignFile } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';

const minimal = (source: string) => `
campaigns:
  - slug: hsm
    name: Health as a Social Movement
    sources:
${source}
`;

function problemsOf(text: string): string[] {
  try {
    parseCampaignFile(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('campaign config file', () => {
  it('loads the shipped example with its localities, launch and sources', async () => {
    const file = await loadCampaignFile('examples/rsahealth.yaml');
    const campaign = file.campaigns[0]!;
    expect(campaign.name).toBe('Health as a Social Movement');
    expect(campaign.localities.map((l) => l.slug)).toEqual(['stockport', 'oldham', 'tameside']);
    expect(campaign.localities[0]!.places).toContain('Bramhall');
    expect(campaign.launches[0]!.title).toBe('Health as a Social Movement: The Power of People in Movements');
    expect(campaign.launches[0]!.at.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    const x = campaign.sources.find((s) => s.kind === 'x-search');
    expect(x).toMatchObject({ slug: 'rsahealth-x', query: '#RSAhealth', every: 15 * 60_000 });
    expect(campaign.sources.some((s) => s.kind === 'wordpress')).toBe(true);
  });

  it('names the key, the value and the expected form for a bad duration', () => {
    const problems = problemsOf(minimal(`      - { slug: x, kind: x-search, query: "#a", every: 15m }\n      - { slug: y, kind: x-search, query: "#b", every: "15" }`));
    expect(problems).toEqual(['campaigns[0].sources[1].every: "15" is not a duration like 15m or 1h']);
  });

  it('names a missing key and what it should hold', () => {
    const problems = problemsOf(minimal(`      - { slug: x, kind: x-search, every: 15m }`));
    expect(problems).toEqual(['campaigns[0].sources[0].query: is missing; expected a string']);
  });

  it('rejects an unknown source kind with the kinds it accepts', () => {
    const problems = problemsOf(minimal(`      - { slug: x, kind: twitter, query: "#a", every: 15m }`));
    expect(problems[0]).toMatch(/^campaigns\[0\]\.sources\[0\]\.kind: "twitter" is not .*x-search, wordpress, feed/);
  });

  it('catches misspelt keys instead of ignoring them', () => {
    const problems = problemsOf(minimal(`      - { slug: x, kind: x-search, query: "#a", evrey: 15m, every: 1h }`));
    expect(problems).toEqual([expect.stringMatching(/^campaigns\[0\]\.sources\[0\]: unknown key "evrey"/)]);
  });

  it('rejects duplicate source slugs across campaigns, a bad URL, time zone and launch time', () => {
    const problems = problemsOf(`
campaigns:
  - slug: a
    name: A
    timezone: Europe/Londres
    launches: [{ slug: l, title: L, at: "next tuesday" }]
    sources: [{ slug: blog, kind: wordpress, url: "ftp://example.org", every: 1h }]
  - slug: b
    name: B
    sources: [{ slug: blog, kind: feed, url: "https://example.org/comments/feed/", every: 1h }]
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'campaigns[0].timezone: "Europe/Londres" is not an IANA time zone like Europe/London',
        'campaigns[0].launches[0].at: "next tuesday" is not a date-time with a time zone, like 2026-11-20T10:00:00Z',
        'campaigns[0].sources[0].url: "ftp://example.org" is not an http(s) URL like https://blog.example.org',
        'campaigns[1].sources[0].slug: "blog" is already used by campaigns[0].sources[0]; source slugs must be unique',
      ]),
    );
  });

  it('reads site politeness and sweep settings as durations, and refuses a sweep on a feed', () => {
    const file = parseCampaignFile(
      minimal(`      - { slug: blog, kind: wordpress, url: "https://blog.example.org", every: 1h, minInterval: 2s, sweep: { every: 1d, days: 14 } }
      - { slug: feed, kind: feed, url: "https://blog.example.org/comments/feed/", every: 1h, minInterval: 500ms }`),
      'test.yaml',
    );
    expect(file.campaigns[0]!.sources).toMatchObject([
      { kind: 'wordpress', minInterval: 2_000, sweep: { every: 86_400_000, days: 14 } },
      { kind: 'feed', minInterval: 500 },
    ]);
    expect(problemsOf(minimal(`      - { slug: blog, kind: wordpress, url: "https://b.example", every: 1h, sweep: { days: 0, every: "daily" } }`))).toEqual([
      'campaigns[0].sources[0].sweep.every: "daily" is not a duration like 15m or 1h',
      'campaigns[0].sources[0].sweep.days: 0 is less than 1 day',
    ]);
    expect(problemsOf(minimal(`      - { slug: feed, kind: feed, url: "https://b.example/feed/", every: 1h, sweep: { days: 7 } }`))).toEqual([
      expect.stringMatching(/^campaigns\[0\]\.sources\[0\]: unknown key "sweep"/),
    ]);
  });

  it('reports YAML syntax errors and an empty file clearly', () => {
    expect(problemsOf('campaigns: [')[0]).toMatch(/^YAML syntax/);
    expect(problemsOf('')).toEqual(['the file is empty; expected a `campaigns:` list with at least one campaign']);
    expect(problemsOf('- just\n- a list')).toEqual(['(top level): ["just","a list"] is not a mapping of keys to values']);
  });

  it('says which file is missing', async () => {
    await expect(loadCampaignFile('does-not-exist.yaml')).rejects.toThrow(/does-not-exist\.yaml[\s\S]*does not exist/);
  });
});

describe('durations', () => {
  it('parses the supported units and refuses the rest', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('15')).toBeUndefined();
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
  });
});

describe('environment', () => {
  it('applies the documented defaults', () => {
    const env = parseEnvironment({});
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://127.0.0.1:5432/groundswell',
      REDIS_URL: 'redis://127.0.0.1:6379',
      X_API_BASE_URL: 'https://api.x.com',
      PORT: 3000,
      GROUNDSWELL_CONFIG: 'examples/rsahealth.yaml',
    });
    expect(env.X_BEARER_TOKEN).toBeUndefined();
  });

  it('reads TRUST_PROXY as true, false or a list of proxy addresses, trusting loopback and private networks by default', () => {
    expect(parseEnvironment({}).TRUST_PROXY).toEqual(['loopback', 'linklocal', 'uniquelocal']);
    expect(parseEnvironment({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseEnvironment({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseEnvironment({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1,loopback' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.0.2.7', '::1', 'loopback']);
    expect(() => parseEnvironment({ TRUST_PROXY: '10.0.0.0/33,nginx' })).toThrow('TRUST_PROXY: "10.0.0.0/33,nginx" is not true, false or a list of addresses, CIDR ranges, loopback, linklocal, uniquelocal ("10.0.0.0/33", "nginx" not understood)');
  });

  it('names the variable and never prints a secret value', () => {
    const secret = 'AAAA-super-secret-token';
    let message = '';
    try {
      parseEnvironment({ PORT: '70000', DATABASE_URL: `mysql://user:${secret}@host/db`, X_BEARER_TOKEN: secret });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT: "70000" is not a port number between 0 and 65535');
    expect(message).toContain('DATABASE_URL:');
    expect(message).not.toContain(secret);
  });

  it('reads X_COMPLIANCE_RECHECK_DAYS as whole days, 30 by default and 0 for off, naming the key when it is not', () => {
    expect(parseEnvironment({}).X_COMPLIANCE_RECHECK_DAYS).toBe(30);
    expect(parseEnvironment({ X_COMPLIANCE_RECHECK_DAYS: '14' }).X_COMPLIANCE_RECHECK_DAYS).toBe(14);
    expect(parseEnvironment({ X_COMPLIANCE_RECHECK_DAYS: '0' }).X_COMPLIANCE_RECHECK_DAYS).toBe(0);
    expect(() => parseEnvironment({ X_COMPLIANCE_RECHECK_DAYS: 'monthly' })).toThrow('X_COMPLIANCE_RECHECK_DAYS: "monthly" is not a whole number of days');
    expect(() => parseEnvironment({ X_COMPLIANCE_RECHECK_DAYS: '1.5' })).toThrow('X_COMPLIANCE_RECHECK_DAYS: "1.5" is not a whole number of days');
    expect(() => parseEnvironment({ X_COMPLIANCE_RECHECK_DAYS: '-1' })).toThrow('X_COMPLIANCE_RECHECK_DAYS: "-1" is not a whole number of days (0 or more)');
  });

  it('keeps the bearer token out of logs and JSON', () => {
    const env = parseEnvironment({ X_BEARER_TOKEN: 'tok-123' });
    expect(env.X_BEARER_TOKEN?.reveal()).toBe('tok-123');
    expect(JSON.stringify(env)).not.toContain('tok-123');
    expect(String(env.X_BEARER_TOKEN)).toBe('[redacted]');
  });
});
