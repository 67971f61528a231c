import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { Closer } from '../../src/runtime/closer.js';

function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: () => { level: number; msg: string; step?: string }[] } {
  let output = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  return {
    logger: createLogger({ level: 'info', destination }),
    lines: () =>
      output
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string; step?: string }),
  };
}

describe('Closer', () => {
  it('runs the steps in reverse, every one even after a failure, and only once', async () => {
    const ran: string[] = [];
    const closer = new Closer();
    closer.add('first', () => void ran.push('first'));
    closer.add('broken', () => {
      ran.push('broken');
      throw new Error('socket gone');
    });
    closer.add('last', async () => {
      await sleep(5);
      ran.push('last');
    });
    const [once, twice] = await Promise.all([closer.close(), closer.close()]);
    expect(ran).toEqual(['last', 'broken', 'first']);
    expect(once.map((e) => e.message)).toEqual(['closing broken failed: socket gone']);
    expect(twice).toBe(once);
  });

  it('logs each step it closed, and keeps warning which step a hanging shutdown waits in', async () => {
    const { logger, lines } = capturedLogger();
    const closer = new Closer({ logger, slowAfterMs: 30 });
    closer.add('postgres pool', () => {});
    closer.add('web server', () => sleep(100));
    await closer.close();
    const logged = lines();
    const waits = logged.filter((l) => l.msg === 'shutdown: still waiting for web server to close');
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits.every((l) => l.level === 40 && l.step === 'web server')).toBe(true);
    expect(logged.filter((l) => l.level === 30).map((l) => l.msg)).toEqual(['shutdown: closed web server', 'shutdown: closed postgres pool']);
    // The last line before a step's end is never a warning about a step already closed.
    expect(logged.findLastIndex((l) => l.msg.startsWith('shutdown: still waiting'))).toBeLessThan(logged.findIndex((l) => l.msg === 'shutdown: closed web server'));
  });
});
