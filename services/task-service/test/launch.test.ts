/**
 * The task-service image starts the service as src/launch.ts says, heap flags included. (The
 * heap those flags allow is held to the Deployment's memory limit in k8s/test/heap-limits.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TASK_SERVICE_COMMAND } from '../src/launch.ts';

test("the task-service image's CMD is the service's command", () => {
  const dockerfile = readFileSync(
    new URL('../../../docker/task-service.Dockerfile', import.meta.url),
    'utf8',
  );
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(runtime, / AS runtime\n/, 'the last stage is the runtime target');
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  assert.ok(cmd, 'the runtime stage has an exec-form CMD');
  assert.deepEqual(JSON.parse(cmd), TASK_SERVICE_COMMAND);
});
