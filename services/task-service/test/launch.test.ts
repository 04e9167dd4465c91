/**
 * The task-service image starts the service as src/launch.ts says, heap flags included. (The
 * heap those flags allow is held to the Deployment's memory limit in k8s/test/heap-limits.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LISTENING_MESSAGE, listeningPortIn, TASK_SERVICE_COMMAND } from '../src/launch.ts';

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

test('listeningPortIn finds the port in the listening line only', () => {
  const line = (entry: Record<string, unknown>) => JSON.stringify({ level: 30, ...entry });
  assert.equal(listeningPortIn(line({ msg: LISTENING_MESSAGE, port: 41234 })), 41234);
  for (const other of [
    line({ msg: 'request completed', port: 41234 }),
    line({ msg: LISTENING_MESSAGE }),
    line({ msg: LISTENING_MESSAGE, port: '41234' }),
    line({ msg: `${LISTENING_MESSAGE} soon`, port: 41234 }),
    `not JSON but mentions ${LISTENING_MESSAGE}`,
    '',
  ]) {
    assert.equal(listeningPortIn(other), undefined, other);
  }
});
