import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnCli } from '../support/cli.js';

// A long-running `groundswell` process (worker, start, demo) as an operator runs it, with every line
// it prints kept (for log scans) and ways to wait for a log message, kill it, or stop it gracefully.

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLine {
  text: string;
  /** The parsed JSON log record, when the line is one. */
  json: Record<string, unknown> | undefined;
}

export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<Exit>;
  /** This process's output, line by line, stdout and stderr together. */
  readonly lines: LogLine[] = [];
  #exit: Exit | undefined;

  /** @param sink every line is also appended here (one list across restarts, for log scans) */
  constructor(args: string[], env: Record<string, string>, private readonly sink?: LogLine[]) {
    this.child = spawnCli(args, env);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) this.#record(text);
      });
      stream.on('end', () => {
        if (partial) this.#record(partial);
        partial = '';
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      }),
    );
  }

  #record(text: string): void {
    let json: Record<string, unknown> | undefined;
    if (text.startsWith('{')) {
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
    }
    const line = { text, json };
    this.lines.push(line);
    this.sink?.push(line);
  }

  get running(): boolean {
    return this.#exit === undefined;
  }

  /** Resolves with the first line (already printed or yet to come) whose message matches; rejects if the process exits first or time runs out. */
  async waitForLog(message: string | RegExp, timeoutMs = 30_000): Promise<LogLine> {
    const matches = (line: LogLine) => {
      const msg = typeof line.json?.msg === 'string' ? line.json.msg : line.text;
      return typeof message === 'string' ? msg.includes(message) : message.test(msg);
    };
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      for (; seen < this.lines.length; seen += 1) {
        const line = this.lines[seen]!;
        if (matches(line)) return line;
      }
      if (!this.running) throw new Error(`the process exited (${JSON.stringify(this.#exit)}) before logging ${String(message)}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`no log line matching ${String(message)} within ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(25);
    }
  }

  /** SIGKILL: no handler runs, no cleanup, sockets closed by the kernel. */
  async kill(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, as a service manager stops it; SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 40_000): Promise<Exit> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The last lines printed, for failure messages. */
  tail(count = 30): string {
    return this.lines
      .slice(-count)
      .map((l) => l.text.slice(0, 400))
      .join('\n');
  }
}

/** `groundswell worker` with this config file and environment. */
export function startWorkerProcess(configPath: string, env: Record<string, string>, sink?: LogLine[]): CliProcess {
  return new CliProcess(['--config', configPath, 'worker'], { LOG_LEVEL: 'info', ...env }, sink);
}
