/**
 * How the report job is started: the one definition the image's CMD, the CronJob's command,
 * `npm run report`, the benchmark and verify are checked against (k8s/test/heap-limits.test.ts,
 * batch/test/launch.test.ts, docker/smoke).
 *
 * The job holds one Query page and a few 25-line write batches whatever the number of tasks
 * (about 16 MB of live heap), but with Node's defaults V8 sizes its heap to the machine, not
 * to the program: it lets garbage pile up between full collections and grows the young
 * generation as the run goes on, so peak RSS climbs with the length of the run (104 MB for
 * 5,000 tasks, 143 MB for 20,000 in `npm run bench:report`). Smaller Query pages or a
 * narrower write window do not change that; a bounded heap does. 64 MB of old space leaves
 * four times the live heap, and 4 MB semi-spaces cost no measurable time. With them, four
 * times the tasks add about 12 MB of peak RSS instead of about 60 MB (see the benchmark).
 */
export const REPORTER_HEAP_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=4'] as const;

/** The built job's entry point, relative to the repository root (the image's /app). */
export const REPORTER_ENTRY = 'batch/dist/main.js';

/** The command of the task-reporter image and CronJob, before any arguments such as --date. */
export const REPORTER_COMMAND = ['node', ...REPORTER_HEAP_FLAGS, REPORTER_ENTRY] as const;
