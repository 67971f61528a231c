import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { reattributeCampaign, DEFAULT_REATTRIBUTION_BATCH_SIZE, type ReattributeResult } from '../ingestion/reattribute.js';
import { connectServices } from '../runtime/boot.js';
import { findCampaign } from '../store/campaign-catalog.js';
import { CommandFailed, EXIT, UsageError } from './fail.js';
import { bootstrap, logBesideProgress, type GlobalOptions } from './services.js';

interface ReattributeCommandOptions {
  campaign: string;
  batchSize: number;
}

/** `groundswell reattribute --campaign SLUG [--batch-size N]`. */
export function registerReattributeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('reattribute')
    .description("recompute a campaign's locality attributions with its current rules (staff overrides are kept), with progress; a stopped run resumes")
    .requiredOption('--campaign <slug>', 'the campaign to re-attribute')
    .option('--batch-size <n>', `posts per transaction (default ${DEFAULT_REATTRIBUTION_BATCH_SIZE})`, parseBatchSize, DEFAULT_REATTRIBUTION_BATCH_SIZE)
    .action((options: ReattributeCommandOptions) => runReattribute(globals(), options));
}

function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value) || size < 1 || size > 10_000) throw new InvalidArgumentError(`"${value}" is not a whole number from 1 to 10000`);
  return size;
}

async function runReattribute(globals: GlobalOptions, options: ReattributeCommandOptions): Promise<void> {
  const { config } = await bootstrap(globals);
  // Like `ingest`: create and migrate the database, and sync the config first, so the rules edit
  // that prompted this run applies. Redis is not needed, so not checked.
  const pool = await connectServices(config, logBesideProgress(config), { migrate: true, redis: false, poolSize: 2, applicationName: 'groundswell-reattribute' });
  const stop = stopOnInterrupt();
  try {

    const campaignId = (await findCampaign(pool, options.campaign))?.id;
    if (campaignId === undefined) {
      const known = config.campaigns.map((campaign) => campaign.slug).join(', ');
      throw new UsageError(`--campaign: there is no campaign "${options.campaign}" (the config has: ${known})`);
    }

    const bar = new cliProgress.SingleBar(
      {
        format: `re-attributing ${options.campaign} [{bar}] {percentage}% | {value}/{total} posts | ETA {eta_formatted}`,
        hideCursor: true,
        // Redirected output (a log file, CI) still gets a line every few seconds.
        noTTYOutput: true,
        notTTYSchedule: 2_000,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let result: ReattributeResult;
    try {
      result = await reattributeCampaign(pool, campaignId, {
        batchSize: options.batchSize,
        signal: stop.signal,
        onProgress: (done, total) => {
          if (!started) {
            bar.start(total, done);
            started = true;
          } else {
            bar.setTotal(total);
            bar.update(done);
          }
        },
      });
    } finally {
      if (started) bar.stop();
    }

    const line = `${result.posts} post(s) re-attributed, ${result.changed} changed, in ${(result.ms / 1000).toFixed(1)} s`;
    if (!result.completed) throw new CommandFailed(`interrupted: ${line}; run the same command again to resume`, EXIT.interrupted);
    process.stdout.write(`campaign ${options.campaign}: ${line}\n`);
  } finally {
    stop.dispose();
    await pool.end();
  }
}

/** Ctrl-C (or SIGTERM) stops after the batch in progress; a second one exits at once. */
function stopOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('\nstopping after the current batch (again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
