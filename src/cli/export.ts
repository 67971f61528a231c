import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { exportPosts, type ExportFormat } from '../export/posts.js';
import { findCampaign } from '../store/campaign-catalog.js';
import { checkDatabaseReachable, createPool } from '../store/db.js';
import { countExportPosts } from '../store/posts-export.js';
import { UsageError } from './fail.js';
import { bootstrap, type GlobalOptions } from './services.js';

interface ExportOptions {
  campaign: string;
  format: ExportFormat;
  output?: string;
}

/** `groundswell export posts --campaign SLUG --format csv|ndjson [--output FILE]`. */
export function registerExportCommand(program: Command, globals: () => GlobalOptions): void {
  const exporting = program.command('export').description('write collected data out');
  exporting
    .command('posts')
    .description("a campaign's posts and comments as CSV or NDJSON (deleted posts keep only their ids and times), to stdout or a file")
    .requiredOption('--campaign <slug>', 'the campaign to export')
    .addOption(new Option('--format <format>', 'csv or ndjson').choices(['csv', 'ndjson']).makeOptionMandatory())
    .option('--output <file>', 'write to this file instead of stdout')
    .action((options: ExportOptions) => runExport(globals(), options));
}

async function runExport(globals: GlobalOptions, options: ExportOptions): Promise<void> {
  const { config } = await bootstrap(globals);
  const pool = createPool(config.env.DATABASE_URL, { max: 1, applicationName: 'groundswell-export' });
  try {
    await checkDatabaseReachable(pool, config.env.DATABASE_URL);
    const campaignId = (await findCampaign(pool, options.campaign))?.id;
    if (campaignId === undefined) throw new UsageError(`--campaign: there is no campaign "${options.campaign}" in the database (the config has: ${config.campaigns.map((c) => c.slug).join(', ')})`);
    const total = await countExportPosts(pool, campaignId);
    const out: Writable = options.output ? createWriteStream(options.output) : process.stdout;
    // The bar goes to stderr, so stdout carries only the export.
    const bar = new cliProgress.SingleBar({ format: `export ${options.campaign} |{bar}| {value}/{total} posts`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 2_000 }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    const written = await exportPosts(pool, campaignId, options.format, out, (n) => bar.update(n));
    bar.stop();
    if (options.output) {
      out.end();
      await finished(out);
      process.stderr.write(`wrote ${written} post(s) to ${options.output}\n`);
    }
  } finally {
    await pool.end();
  }
}
