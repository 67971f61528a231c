#!/usr/bin/env node
import { CommanderError, buildProgram, isHelpExit } from './program.js';
import { EXIT, reportFatal } from './fail.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    if (argv.length <= 2) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (isHelpExit(error)) return EXIT.ok;
    // Commander has already printed what was wrong and the usage hint.
    if (error instanceof CommanderError) return EXIT.usage;
    return reportFatal(error);
  }
}

// Exit explicitly: a long-running role has closed its connections by now, and a stray timer in a
// library must not keep a finished command alive.
process.exit(await main(process.argv));
