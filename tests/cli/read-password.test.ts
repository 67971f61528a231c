import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/fail.js';
import { readNewPassword } from '../../src/cli/read-password.js';

/** A stand-in terminal: records raw-mode switches, and what was written to it. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(mode: boolean) { input.rawModes.push(mode); } });
  let shown = '';
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      shown += chunk.toString();
      done();
    },
  });
  return { input, output, shown: () => shown };
}

/** Types `keys` once the prompt has asked (after `delayMs`). */
const type = (stream: PassThrough, keys: string, delayMs: number) => setTimeout(() => stream.write(keys), delayMs);

describe('reading a new password', () => {
  it('at a terminal asks twice without echoing, handling backspace, and restores the terminal', async () => {
    const tty = terminal();
    type(tty.input, 'secret passwordX\u007f\r', 5);
    type(tty.input, 'secret password\r', 20);
    await expect(readNewPassword(tty.input, tty.output)).resolves.toBe('secret password');
    expect(tty.shown()).toBe('Password: \nRepeat password: \n');
    expect(tty.input.rawModes).toEqual([true, false, true, false]);
  });

  it('at a terminal refuses two different passwords and a Ctrl-C', async () => {
    const differ = terminal();
    type(differ.input, 'one password\r', 5);
    type(differ.input, 'another one\r', 20);
    await expect(readNewPassword(differ.input, differ.output)).rejects.toThrow(new UsageError('the two passwords differ'));

    const cancelled = terminal();
    type(cancelled.input, 'half\u0003', 5);
    await expect(readNewPassword(cancelled.input, cancelled.output)).rejects.toBeInstanceOf(UsageError);
  });

  it('from a pipe reads the first line, without its line end', async () => {
    const pipe = new PassThrough();
    pipe.end('piped password\r\nignored\n');
    await expect(readNewPassword(pipe, new PassThrough())).resolves.toBe('piped password');
  });
});
