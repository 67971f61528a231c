import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts a TypeScript helper process and waits for the first JSON line it prints. */
export async function startHelperProcess<T>(script: string, env: Record<string, string>): Promise<{ info: T; child: ChildProcess; stop(): void }> {
  const child = spawn(process.execPath, [...(process.env.BENCH_HELPER_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HELPER_CPU_PROFILE_DIR}`] : []), '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${String(code)} before it was ready`)));
  });
  return { info: JSON.parse(first) as T, child, stop: () => child.stdin?.end() };
}
