import { Command, CommanderError } from 'commander';
import { registerExportCommand } from './export.js';
import { registerIngestCommands } from './ingest.js';
import { registerReattributeCommand } from './reattribute.js';
import { runMigrate, runServices, type GlobalOptions } from './services.js';
import { registerStaffCommands } from './staff-commands.js';

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
    .description('migrate the database, then run the web server and the ingestion workers in one process (the demo when the example config has no X token)')
    .action(() => runServices(globals(), { web: true, worker: true, migrate: true, demo: 'auto' }));

  program
    .command('demo')
    .description('run everything against built-in simulators of X and the campaign blog, with live simulated activity (no credentials needed)')
    .action(() => runServices(globals(), { web: true, worker: true, migrate: true, demo: 'always' }));

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

  registerIngestCommands(program, globals);
  registerStaffCommands(program, globals);
  registerReattributeCommand(program, globals);
  registerExportCommand(program, globals);

  return program;
}

/** Commander's own exits (help, version) versus a usage mistake. */
export function isHelpExit(error: unknown): boolean {
  return error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help');
}

export { CommanderError };
