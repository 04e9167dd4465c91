import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LogLine } from './logs.ts';

/** The job's entry point, from its sources. */
export const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ProgramRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: LogLine[];
  stderr: string;
}

/**
 * Runs the report job as its own process, the way `npm run report` and the CronJob do.
 * `onLine` sees each JSON log line as it is written and may act on the process (signal it,
 * stop its DynamoDB) while it runs.
 */
export async function runProgram(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: LogLine, child: ReturnType<typeof spawn>) => void | Promise<void>,
): Promise<ProgramRun> {
  const child = spawn(process.execPath, ['--conditions=development', MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const reading = (async () => {
    for await (const text of createInterface({ input: child.stdout })) {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      await onLine?.(line, child);
    }
  })();
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  await reading;
  return { code, signal, lines, stderr };
}
