import { fileURLToPath } from 'node:url';
import { spawnChild, type ManagedChild } from '@task-manager/testing';
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
  onLine?: (line: LogLine, child: ManagedChild) => void | Promise<void>,
): Promise<ProgramRun> {
  const lines: LogLine[] = [];
  // Each line is handled once the one before has been; a failure comes out below.
  let handled = Promise.resolve();
  const child = spawnChild({
    name: 'the report job',
    command: process.execPath,
    args: ['--conditions=development', MAIN, ...args],
    env: { LOG_LEVEL: 'info', ...env },
    keepOutput: true,
    onLine: (text, stream) => {
      if (stream !== 'stdout') return;
      handled = handled.then(async () => {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        await onLine?.(line, child);
      });
    },
  });
  const { code, signal } = await child.finished;
  await handled;
  return { code, signal, lines, stderr: child.output('stderr').join('\n') };
}
