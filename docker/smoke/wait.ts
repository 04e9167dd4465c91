/**
 * Waiting for a container to say it is up, failing fast (with its last output) if it exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { docker } from './command.ts';

export async function waitForOutput(
  name: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { stdout, stderr } = await docker(['logs', name]);
    if (pattern.test(stdout) || pattern.test(stderr)) return;
    const state = (await docker(['inspect', '--format', '{{.State.Status}}', name])).stdout.trim();
    if (state !== 'running' || performance.now() > deadline) {
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-10).join('\n');
      throw new Error(`${name} is ${state} without printing ${pattern}; output:\n${tail}`);
    }
    await sleep(200);
  }
}
