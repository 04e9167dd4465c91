/**
 * Who PID 1 of a running container is: the app must be PID 1 itself (so it receives SIGTERM)
 * and run as the image's non-root user.
 */
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { dockerChecked } from './command.ts';

export interface Pid1 {
  uid: number;
  gid: number;
  command: string[];
}

export async function pid1(container: string): Promise<Pid1> {
  const status = await dockerChecked(['exec', container, 'cat', '/proc/1/status']);
  const cmdline = await dockerChecked(['exec', container, 'cat', '/proc/1/cmdline']);
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: field('Uid'), gid: field('Gid'), command: cmdline.split('\0').filter(Boolean) };
}

export function describePid1(process: Pid1): string {
  return `PID 1 is \`${process.command.join(' ')}\` as ${process.uid}:${process.gid}`;
}

/** The check every runtime Node image passes: node itself is PID 1, as the `node` user. */
export function checkNodePid1(checks: Checks, image: string, container: string): Promise<boolean> {
  return checks.check(`${image}: node is PID 1, as 1000:1000`, async () => {
    const process = await pid1(container);
    expect(process.command[0] === 'node', `PID 1 is ${process.command.join(' ')}`);
    expect(process.uid === 1000 && process.gid === 1000, describePid1(process));
    return describePid1(process);
  });
}
