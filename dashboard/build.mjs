#!/usr/bin/env node
// Builds the dashboard: dashboard/src/main.ts (TypeScript, Chart.js, its CSS) bundled and minified by
// esbuild into content-hashed app-<hash>.js and app-<hash>.css, dashboard/index.html with their
// names filled in, and the icon. Output: dist/dashboard/ under the package root, or --outdir DIR.
//   node dashboard/build.mjs [--outdir DIR]
// Prints each file's size and gzipped size. No inline script or style is produced (the CSP forbids them).
import { build } from 'esbuild';
import console from 'node:console';
import process from 'node:process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dashboardDir = dirname(fileURLToPath(import.meta.url));
const packageRoot = dirname(dashboardDir);

export async function buildDashboard({ outdir = join(packageRoot, 'dist', 'dashboard'), quiet = false } = {}) {
  const out = resolve(outdir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const entry = join(dashboardDir, 'src', 'main.ts');
  const result = await build({
    entryPoints: { app: entry },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome109', 'edge109', 'firefox115', 'safari15.6'],
    outdir: out,
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'eof',
    sourcemap: false,
    logLevel: quiet ? 'silent' : 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.entries(result.metafile.outputs);
  const [jsPath, jsMeta] = outputs.find(([, meta]) => meta.entryPoint !== undefined) ?? [];
  if (!jsPath || !jsMeta) throw new Error('esbuild produced no entry output');
  const cssPath = jsMeta.cssBundle;
  if (!cssPath) throw new Error('esbuild produced no CSS bundle (main.ts must import app.css)');
  const js = basename(jsPath);
  const css = basename(cssPath);
  const template = await readFile(join(dashboardDir, 'index.html'), 'utf8');
  await writeFile(join(out, 'index.html'), template.replace('%APP_JS%', js).replace('%APP_CSS%', css));
  await copyFile(join(dashboardDir, 'favicon.svg'), join(out, 'favicon.svg'));

  const files = {};
  for (const name of [js, css, 'index.html']) {
    const bytes = await readFile(join(out, name));
    files[name] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  }
  if (!quiet) {
    for (const [name, size] of Object.entries(files)) {
      console.log(`${relative(process.cwd(), join(out, name))}  ${(size.bytes / 1024).toFixed(1)} KB, ${(size.gzipBytes / 1024).toFixed(1)} KB gzipped`);
    }
  }
  return { outdir: out, js, css, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at >= 0 ? process.argv[at + 1] : undefined;
  if (at >= 0 && !outdir) {
    console.error('--outdir needs a directory');
    process.exit(2);
  }
  try {
    await buildDashboard(outdir ? { outdir } : {});
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
