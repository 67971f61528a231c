import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../http/helpers.js';
import { buildDashboardForTest, type BuiltDashboard } from './build-dashboard.js';

// The built dashboard: small enough, no inline script or style for the CSP to refuse, no HTML
// strings in its code, and served publicly as fixed files while everything else stays private.

const DASHBOARD_SRC = join(import.meta.dirname, '..', '..', 'dashboard', 'src');
let built: BuiltDashboard;
let api: ApiHarness;

beforeAll(async () => {
  built = await buildDashboardForTest();
  api = await startApi({ dashboardDir: built.dir });
});
afterAll(async () => api?.close());

describe('the build', () => {
  it('makes a content-hashed script and stylesheet, named in a page without inline script or style', async () => {
    const html = await readFile(join(built.dir, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="/${built.js}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/${built.css}" />`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('keeps the dashboard script within 200 KB gzipped', async () => {
    const gzipped = gzipSync(await readFile(join(built.dir, built.js)), { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(200 * 1024);
  });

  it('builds pages from text nodes only: no HTML strings, eval or inline handlers in the code', async () => {
    const files = (await readdir(DASHBOARD_SRC, { recursive: true })).filter((file) => file.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const code = await readFile(join(DASHBOARD_SRC, file), 'utf8');
      expect(code, file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setAttribute\(['"]on|\.style\.|setAttribute\(['"]style/);
    }
  });
});

describe('serving it', () => {
  it('answers / and /login with the page to anyone, with the CSP and a revalidating cache', async () => {
    for (const url of ['/', '/login']) {
      const response = await api.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain(built.js);
    }
  });

  it('serves the hashed files for good and leaves unknown paths private', async () => {
    const script = await api.app.inject({ method: 'GET', url: `/${built.js}` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await api.app.inject({ method: 'GET', url: `/${built.css}` })).headers['content-type']).toMatch(/^text\/css/);
    expect((await api.app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode).toBe(200);
    for (const url of ['/app-NOTBUILT.js', '/admin', '/../package.json', '/api/campaigns']) {
      expect((await api.app.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
  });

  it('says plainly when the dashboard has not been built, and the API still works', async () => {
    const bare = await startApi({ dashboardDir: join(built.dir, 'missing') });
    try {
      const response = await bare.app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toMatch(/has not been built.*npm run build/);
      expect((await bare.app.inject({ method: 'GET', url: '/api/instance' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
