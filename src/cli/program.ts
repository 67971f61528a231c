import { Command, CommanderError } from 'commander';
import { runMigrate, runServices, type GlobalOptions } from './services.js';

/** The `groundswell` command line. Each subcommand is a thin call into the code it names. */
export function buildProgram(): Command {
  const program = new Command('groundswell')
    .description('Groundswell: tracks the conversation each campaign launch sets moving, on X and on the campaign blog.')
    .option('-c, --config <path>', 'campaign config file (default: $GROUNDSWELL_CONFIG, else examples/rsahealth.yaml)')
    .showHelpAfterError(true)
    .exitOverride();

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('start')
    .description('migrate the database, then run the web server and the ingestion workers in one process')
    .action(() => runServices(globals(), { web: true, worker: true, migrate: true }));

  program
    .command('web')
    .description('run the web server (dashboard and HTTP API) only')
    .action(() => runServices(globals(), { web: true, worker: false, migrate: false }));

  program
    .command('worker')
    .description('run the ingestion workers only (start as many as you like; they share the work)')
    .action(() => runServices(globals(), { web: false, worker: true, migrate: false }));

  program
    .command('migrate')
    .description('create the database if it is missing and apply pending migrations, then exit')
    .action(() => runMigrate(globals()));

  return program;
}

/** Commander's own exits (help, version) versus a usage mistake. */
export function isHelpExit(error: unknown): boolean {
  return error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help');
}

export { CommanderError };
