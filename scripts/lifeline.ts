/**
 * Makes a process that `npm start` / `npm run dev` started end when the start script ends,
 * however it ends: also on `kill -9` or the OOM killer, when it has no chance to stop its
 * children. Loaded into each child with `node --import` (see childProcessOptions).
 *
 * The lifeline is the child's stdin: a pipe whose only writer is the start script, which
 * never writes to it. When the start script dies, the kernel closes its end and the child
 * reads end-of-file at once, wherever it is; no polling. The child then stops the way it
 * stops on Ctrl-C, with SIGTERM to itself. Under `node --watch` (npm run dev) the child is
 * the watcher's child (the watcher itself loads no preload): it signals the watcher, which
 * passes SIGTERM on and exits with it.
 */
export const LIFELINE_ENV = 'TASK_MANAGER_LIFELINE';

const mode = process.env[LIFELINE_ENV];
if (mode === 'stdin' || mode === 'stdin-under-watch') {
  const stop = (): void => {
    process.kill(mode === 'stdin-under-watch' ? process.ppid : process.pid, 'SIGTERM');
  };
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  // The lifeline alone must not keep the process alive once it has nothing else to do.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
