import type { Readable, Writable } from 'node:stream';
import { UsageError } from './fail.js';

// Passwords for `user add`: typed at a prompt that does not echo them when a person is at the
// terminal, or read from stdin (its first line) when a script pipes one in.

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

function promptWithoutEcho(prompt: string, input: TtyInput, output: Writable): Promise<string> {
  output.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (ENTER.has(char)) return finish();
        if (char === CTRL_C || (char === CTRL_D && typed === '')) return finish(new UsageError('no password given (cancelled)'));
        if (BACKSPACE.has(char)) typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

async function firstLineOf(input: Readable): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) {
    text += chunk as string;
    if (text.includes('\n') || text.length > 64 * 1024) break;
  }
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Asks twice at a terminal (typos are invisible there); reads one line from a pipe. */
export async function readNewPassword(input: TtyInput = process.stdin, output: Writable = process.stderr): Promise<string> {
  if (!input.isTTY) return firstLineOf(input);
  const password = await promptWithoutEcho('Password: ', input, output);
  const again = await promptWithoutEcho('Repeat password: ', input, output);
  if (password !== again) throw new UsageError('the two passwords differ');
  return password;
}
