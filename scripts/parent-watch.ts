/**
 * The other half of "what npm start starts ends with it": the start script itself ends when
 * the process that started it (npm, a terminal, a test) is gone, e.g. after `kill -9` of
 * `npm start`. Nothing tells a process that its parent died (Linux's PR_SET_PDEATHSIG is
 * not reachable from Node, and other systems have none), but an orphan is adopted by
 * another process, so its parent id changes: a cheap check once a second notices.
 */
export function onParentGone(callback: () => void, intervalMs = 1000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      callback();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
