/**
 * dynalite in a process of its own, for benchmarks: the database then has its own event loop
 * and core, as DynamoDB would, instead of sharing one with the code being measured.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface DynaliteProcess {
  readonly endpoint: string;
  readonly pid: number;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
}

export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const child = spawn(
    process.execPath,
    [new URL('./dynalite-process-main.ts', import.meta.url).pathname],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // A benchmark that dies must not leave its database running.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`dynalite exited before it listened (exit code ${String(code)})`);
    }),
  ])) as [string];
  lines.close();
  child.stdout.resume();
  const { endpoint } = JSON.parse(first) as { endpoint: string };
  return {
    endpoint,
    pid: child.pid!,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
