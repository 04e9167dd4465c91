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
  // Should the watcher die first, this process is adopted by another (init, or a desktop's
  // `systemd --user`), which must never get the SIGTERM: it then stops itself. The watcher is
  // alive while the IPC channel node --watch opens to its child is connected, and it is the
  // parent as at load (the channel's close may be read after the lifeline's).
  const watcher = mode === 'stdin-under-watch' ? process.ppid : undefined;
  const stop = (): void => {
    const watcherAlive = process.connected === true && process.ppid === watcher;
    process.kill(watcherAlive ? watcher : process.pid, 'SIGTERM');
  };
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  // The lifeline alone must not keep the process alive once it has nothing else to do.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
