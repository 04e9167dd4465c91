/**
 * How task-service is started in its image: the one definition the Dockerfile's CMD, the
 * container smoke test and `npm run verify` are checked against, and whose heap bound k8s/test
 * holds to the Deployment's memory limit (k8s/test/heap-limits.test.ts, for both).
 *
 * In a container Node sizes V8's heap to the cgroup's memory limit: under the Deployment's
 * 256 Mi, heap_size_limit is 259 MB, all of it. V8 then lets garbage pile up between full
 * collections; on the host, under 10 connections of 100-task list requests for 60 s, RSS
 * reached 230–315 MB with Node's defaults, more than the limit, which ends in an OOM kill.
 * 128 MB of old space and 16 MB semi-spaces bound the heap at 176 MB (old space plus three
 * semi-spaces), 69% of the limit, leaving the rest for code, buffers and sockets: RSS held at
 * 166–168 MB under the same load. Smaller semi-spaces (8 MB: about 150 MB of RSS) cost a fifth
 * of the list throughput in scavenges; these cost about a tenth.
 */
export const TASK_SERVICE_HEAP_FLAGS = [
  '--max-old-space-size=128',
  '--max-semi-space-size=16',
] as const;

/** The program's bundle beside the entry point, which dist/main.js loads once tracing is set up. */
export const PROGRAM_BUNDLE = 'run.cjs';

/**
 * The directory beside the bundle (dist/) where the build leaves V8's compile cache of the
 * program, made by scripts/bundle-program.ts and used by src/main.ts.
 */
export const COMPILE_CACHE_DIR = 'compile-cache';

/** The built entry point, relative to the repository root (the image's /app). */
export const TASK_SERVICE_ENTRY = 'services/task-service/dist/main.js';

/** The bundle the entry point loads, relative to the repository root (the image's /app). */
export const TASK_SERVICE_BUNDLE = `services/task-service/dist/${PROGRAM_BUNDLE}`;

/** The command of the task-service image. */
export const TASK_SERVICE_COMMAND = [
  'node',
  ...TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_ENTRY,
] as const;

/**
 * The message of the log line task-service writes once it listens, with the port it got: how a
 * harness that started it with PORT=0 (the kernel chooses, nothing to race for) learns its port.
 */
export const LISTENING_MESSAGE = 'task-service listening';

/** The port in a task-service log line, if the line is the one saying it listens. */
export function listeningPortIn(line: string): number | undefined {
  if (!line.includes(LISTENING_MESSAGE)) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === LISTENING_MESSAGE && typeof entry.port === 'number'
      ? entry.port
      : undefined;
  } catch {
    return undefined;
  }
}
