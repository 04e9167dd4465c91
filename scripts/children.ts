/**
 * How the start script spawns the processes it owns: each one gets the lifeline (lifeline.ts)
 * on its stdin, so it ends with the start script however the start script ends.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { LIFELINE_ENV } from './lifeline.ts';

const LIFELINE_MODULE = pathToFileURL(new URL('./lifeline.ts', import.meta.url).pathname).href;

/** Node arguments and spawn options that tie a node child to this process's life. */
export function lifelineFor(options: { watch?: boolean; env: NodeJS.ProcessEnv }): {
  nodeArgs: string[];
  spawn: Pick<SpawnOptions, 'env'> & { stdin: 'pipe' };
} {
  return {
    nodeArgs: ['--import', LIFELINE_MODULE],
    spawn: {
      env: { ...options.env, [LIFELINE_ENV]: options.watch ? 'stdin-under-watch' : 'stdin' },
      stdin: 'pipe',
    },
  };
}

/** The parent never writes to the lifeline; a child that exited first must not crash it. */
export function holdLifeline(child: ChildProcess): void {
  child.stdin?.on('error', () => {});
}
