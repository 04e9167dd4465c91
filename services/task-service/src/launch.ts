/**
 * How task-service is started in its image: the one definition the Dockerfile's CMD, the
 * container smoke test and `npm run verify` are checked against, and whose heap bound k8s/test
 * holds to the Deployment's memory limit (k8s/test/heap-limits.test.ts, for both).
 *
 * In a container Node sizes V8's heap to the cgroup's memory limit: under the Deployment's
 * 256 Mi, heap_size_limit is 259 MB, all of it. V8 then lets garbage pile up between full
 * collections; on the host, under 10 connections of 100-task list requests for 60 s, RSS
 * reached 230–315 MB with Node's defaults, more than the limit, which ends in an OOM kill.
 * 128 MB of old space and 8 MB semi-spaces bound the heap at 152 MB (old space plus three
 * semi-spaces), 59% of the limit, leaving the rest for code, buffers and sockets. Old space never
 * came near its bound (18 MB committed under that load); the young generation is what a busy
 * service holds, two semi-spaces of it: 16 MB ones cost about 20 MB more RSS than these (178
 * against 158 MB after 60 s), for no throughput `npm run bench:memory` could tell apart.
 */
export const TASK_SERVICE_HEAP_FLAGS = [
  '--max-old-space-size=128',
  '--max-semi-space-size=8',
] as const;

/**
 * glibc's malloc settings, the image's ENV (docker/task-service.Dockerfile), which every harness
 * that runs the service as the image does sets too. With the V8 heap bounded, most of the rest of
 * the RSS under that load was malloc's, kept after it was freed: the main arena (`[heap]` in
 * /proc/<pid>/smaps) and one arena per thread that allocates (V8's compiler and GC helpers), full
 * of holes left by short-lived large blocks, such as the 64 KiB buffers Node reads each socket
 * into and the DynamoDB responses they are joined into. A fixed 32 KiB mmap threshold gives
 * blocks that size and larger mappings of their own, returned to the system when freed, and two
 * arenas serve all threads. RSS after 60 s, 8 MB semi-spaces: 158 MB without these, 150–155 MB
 * with two arenas alone, 130–142 MB with both (four runs). The price is the system calls that
 * make and unmake those mappings: about 5% more CPU per 100-task list request (4.14 against
 * 3.95 ms, alternating runs), 3% of its throughput.
 */
export const TASK_SERVICE_MALLOC_ENV = {
  GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=32768',
} as const;

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

/**
 * The API's contract, which the service reads as it starts and serves (src/contract-file.ts),
 * relative to the repository root (the image's /app): the one file it needs besides code.
 */
export const TASK_SERVICE_CONTRACT = 'services/task-service/openapi.yaml';

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

/**
 * task-service as its image starts it (the Dockerfile's ENV and CMD, above), for the harness that
 * runs the build the same way: @task-manager/testing's spawnTaskService, which `npm run verify`
 * and the benchmarks start it with.
 */
export const TASK_SERVICE_LAUNCH = {
  nodeFlags: TASK_SERVICE_HEAP_FLAGS,
  entry: TASK_SERVICE_ENTRY,
  env: TASK_SERVICE_MALLOC_ENV,
  portIn: listeningPortIn,
} as const;
