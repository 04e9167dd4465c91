/**
 * What src/launch.ts tells harnesses about a running task-service. (The image's CMD is checked
 * against TASK_SERVICE_COMMAND, and the heap its flags allow against the Deployment's memory
 * limit, in k8s/test/heap-limits.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LISTENING_MESSAGE, listeningPortIn } from '../src/launch.ts';

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
