/** Runs a shell script with stand-in commands first on its PATH, which record their calls. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fromRoot } from './kube.ts';

/** A command's body that runs one of support/'s stand-ins with this Node. */
export const standin = (file: string) =>
  `exec "${process.execPath}" "${fromRoot('k8s/test/support', file)}" "$@"`;

export interface ScriptRun<Call> {
  code: number;
  stdout: string;
  stderr: string;
  /** What the stand-ins wrote to STANDIN_CALLS, one JSON line a call. */
  calls: Call[];
}

/** `sh <script>` (from the repository root) with `commands` (name: body) on PATH and `env`. */
export async function runScript<Call>(
  script: string,
  commands: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ScriptRun<Call>> {
  const bin = mkdtempSync(path.join(tmpdir(), 'standin-'));
  try {
    for (const [name, body] of Object.entries(commands)) {
      writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    }
    const calls = path.join(bin, 'calls.jsonl');
    writeFileSync(calls, '');
    const options = {
      env: { PATH: `${bin}:${process.env.PATH}`, STANDIN_CALLS: calls, ...env },
      timeout: 60_000, // a hang is a failure, not a stuck test run
    };
    const result = await promisify(execFile)('sh', [fromRoot(script)], options).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number | null; signal?: string; stdout: string; stderr: string }) => {
        // Killed by the timeout (no exit code): never a failure a test could be expecting.
        if (error.code === null) throw new Error(`${script} did not exit (${error.signal})`);
        return { ...error, code: error.code };
      },
    );
    const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
    const { code, stdout, stderr } = result;
    return { code, stdout, stderr, calls: lines.map((line) => JSON.parse(line) as Call) };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}
