/**
 * Who PID 1 of a running container is: the app must be PID 1 itself (so it receives SIGTERM)
 * and run as the image's non-root user.
 */
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
