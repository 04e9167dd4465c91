/**
 * The waits of a first `skaffold dev` on a cold cluster fit together, from the figures in the
 * manifests, skaffold.yaml and the code; k8s/README.md ("Deadlines") states the same sum.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import { DEFAULT_BACKOFF } from '../../packages/task-store/src/retry-until-deadline.ts';
import * as k from './support/kube.ts';
import { failureBudget } from './support/policies.ts';
import { skaffoldFor } from './support/skaffold.ts';

/**
 * What pulling LocalStack's image (about 1 GB) may take on a first start: three minutes is a
 * 50 Mbit/s connection. Stated in k8s/README.md; a slower one needs a larger
 * CREATE_TABLES_WAIT_SECONDS (and statusCheckDeadlineSeconds).
 */
const LOCALSTACK_PULL_ALLOWANCE_SECONDS = 180;

const startup = ({ startupProbe: probe }: k.IContainer) =>
  (probe?.initialDelaySeconds ?? 0) + failureBudget(probe ?? {});

function figures(variant: 'dev' | 'local') {
  const objects = k.render(variant);
  const config = k.appConfig(objects);
  const { deploy } = skaffoldFor(variant);
  const service = k.mainContainer(objects, 'task-service');
  const parts = {
    createTablesWait: Number(config.CREATE_TABLES_WAIT_SECONDS),
    // Once DynamoDB answers, the next attempt comes after at most the longest pause...
    longestPause: DEFAULT_BACKOFF.maxDelayMs / 1000,
    // ...and the attempt that was already under way may take its SDK timeouts and retries.
    attempt: (Number(config.DYNAMODB_TIMEOUT_MS) / 1000) * Number(config.DYNAMODB_MAX_ATTEMPTS),
    serviceStartup: startup(service),
    firstReadiness: service.readinessProbe?.periodSeconds ?? 10,
  };
  return {
    ...parts,
    sum: Object.values(parts).reduce((a, b) => a + b),
    localstackStartup: startup(k.mainContainer(objects, 'localstack')),
    statusCheck: Number(deploy.statusCheckDeadlineSeconds ?? 600),
    tolerates: deploy.tolerateFailuresUntilDeadline === true,
  };
}

for (const variant of ['dev', 'local'] as const) {
  test(`${variant}: create-tables outwaits LocalStack's pull and start, and the waiting Pod is ready before Skaffold's status check deadline`, () => {
    const f = figures(variant);
    assert.equal(f.localstackStartup, 120, 'LocalStack startupProbe: 2 s x 60');
    const needed = f.localstackStartup + LOCALSTACK_PULL_ALLOWANCE_SECONDS;
    assert.ok(
      f.createTablesWait >= needed,
      `CREATE_TABLES_WAIT_SECONDS ${f.createTablesWait} < ${needed}`,
    );
    assert.ok(f.sum <= f.statusCheck, `${f.sum} s > statusCheckDeadlineSeconds ${f.statusCheck}`);
    // A failed init container (Init:Error) during that time must not end the deploy.
    assert.ok(f.tolerates, 'tolerateFailuresUntilDeadline');
  });
}

test("the report Job's own deadline leaves room for its create-tables wait", () => {
  const objects = k.render('local');
  const { spec } = k.find<ICronJob>(objects, 'CronJob', 'task-reporter');
  const wait = Number(k.appConfig(objects).CREATE_TABLES_WAIT_SECONDS);
  assert.ok(wait < (spec!.jobTemplate.spec!.activeDeadlineSeconds ?? Infinity) / 2);
});

test('k8s/README.md states the same figures and sum', () => {
  const f = figures('dev');
  const section = k.readText('k8s/README.md').split('### Deadlines')[1] ?? '';
  const expected = `${f.createTablesWait} + ${f.longestPause} + ${f.attempt} + ${f.serviceStartup} + ${f.firstReadiness} = ${f.sum} s`;
  assert.ok(section.includes(expected), `k8s/README.md "Deadlines" states ${expected}`);
  assert.ok(section.includes(`statusCheckDeadlineSeconds: ${f.statusCheck}`));
  assert.ok(section.includes(`${LOCALSTACK_PULL_ALLOWANCE_SECONDS} s`), 'the pull allowance');
});
