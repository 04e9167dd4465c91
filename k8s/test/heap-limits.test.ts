/**
 * In a container Node sizes V8's heap to the whole memory limit, so each program's heap flags
 * (its launch.ts) must bound old space plus three semi-spaces within HEAP_SHARE of the limit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPORTER_COMMAND, REPORTER_HEAP_FLAGS } from '@task-manager/batch/launch';
import {
  TASK_SERVICE_COMMAND,
  TASK_SERVICE_HEAP_FLAGS,
  TASK_SERVICE_MALLOC_ENV,
} from '@task-manager/task-service/launch';
import { ALL_VARIANTS, mainContainer, overlayOf, parseQuantity, render } from './support/kube.ts';
import { dockerTarget } from './support/skaffold.ts';

const HEAP_SHARE = 0.7;
const MiB = 2 ** 20;

/** The most V8 may hold with these flags, in bytes; throws when a bound is missing. */
function heapBound(flags: readonly string[]): number {
  const megabytes = (name: string): number => {
    const flag = flags.find((candidate) => candidate.startsWith(`--${name}=`));
    if (flag === undefined) throw new Error(`no --${name} in ${flags.join(' ')}`);
    return Number(flag.split('=')[1]) * MiB;
  };
  return megabytes('max-old-space-size') + 3 * megabytes('max-semi-space-size');
}

test('the heap bound is old space plus three semi-spaces, and both flags are required', () => {
  assert.equal(heapBound(['--max-old-space-size=64', '--max-semi-space-size=4']), 76 * MiB);
  assert.throws(() => heapBound(['--max-old-space-size=64']), /max-semi-space-size/);
  assert.throws(() => heapBound(['--max-semi-space-size=4']), /max-old-space-size/);
});

/**
 * The built programs (docker/<workload>.Dockerfile): the command their image runs, the environment
 * it sets, and the command their manifest sets (none for task-service, which runs its image's
 * CMD). The dev overlay runs sources under `node --watch`, with more memory.
 */
const PROGRAMS = [
  {
    workload: 'task-service',
    imageCommand: TASK_SERVICE_COMMAND,
    imageEnv: TASK_SERVICE_MALLOC_ENV,
    flags: TASK_SERVICE_HEAP_FLAGS,
    command: undefined,
  },
  {
    workload: 'task-reporter',
    imageCommand: REPORTER_COMMAND,
    imageEnv: {},
    flags: REPORTER_HEAP_FLAGS,
    command: REPORTER_COMMAND,
  },
] as const;

test("each image's runtime stage runs its program's command, heap flags included, with the malloc settings of launch.ts", () => {
  for (const { workload, imageCommand, imageEnv } of PROGRAMS) {
    const dockerfile = `docker/${workload}.Dockerfile`;
    const { last, cmd = '', env } = dockerTarget(dockerfile, 'runtime');
    assert.ok(last, `${dockerfile}: the last stage is the runtime target`);
    // Exec form: skaffold.test.ts, "node itself is PID 1 of every Node image".
    assert.deepEqual(JSON.parse(cmd), imageCommand, dockerfile);
    for (const [name, value] of Object.entries(imageEnv)) {
      assert.equal(env[name], value, `${dockerfile}: ENV ${name}`);
    }
  }
});

for (const variant of ALL_VARIANTS.filter((candidate) => overlayOf(candidate) !== 'dev')) {
  test(`${variant}: each Node program's heap bound is within ${HEAP_SHARE * 100}% of its memory limit`, () => {
    for (const program of PROGRAMS) {
      const container = mainContainer(render(variant), program.workload);
      // The flags reach the program: the image's CMD (checked above), or the manifest's command.
      assert.deepEqual(container.command, program.command, `${program.workload} command`);
      const limit = container.resources?.limits?.memory;
      assert.ok(limit !== undefined, `${program.workload} has a memory limit`);
      const bound = heapBound(program.flags);
      assert.ok(
        bound <= HEAP_SHARE * parseQuantity(limit),
        `${program.workload}: heap bound ${bound / MiB} MiB (${program.flags.join(' ')}) ` +
          `exceeds ${HEAP_SHARE * 100}% of its ${limit} limit`,
      );
    }
  });
}
