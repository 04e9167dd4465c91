/**
 * The waits of a first `skaffold dev` on a cold cluster fit together: create-tables waits for
 * LocalStack longer than LocalStack may take to pull and start, and the Pod that was waiting is
 * ready before Skaffold's status check gives up. Every figure is read from the rendered
 * manifests, skaffold.yaml and the code; k8s/README.md ("Deadlines") must state the same sum.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import { DEFAULT_BACKOFF } from '../../packages/task-store/src/retry-until-deadline.ts';
import { appConfig, find, workloads, type IContainer } from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import { render, type Variant } from './support/render.ts';
import { loadSkaffoldConfig, profilesActivatedBy, resolveProfiles } from './support/skaffold.ts';

/**
 * What pulling LocalStack's image (about 1 GB) may take on a first start: three minutes is a
 * 50 Mbit/s connection. Stated in k8s/README.md; a slower one needs a larger
 * CREATE_TABLES_WAIT_SECONDS (and statusCheckDeadlineSeconds).
 */
const LOCALSTACK_PULL_ALLOWANCE_SECONDS = 180;

type Probe = NonNullable<IContainer['startupProbe']>;
const budget = (probe: Probe | undefined) =>
  (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);

function container(variant: Variant, workload: string): IContainer {
  const found = workloads(render(variant)).find((w) => w.name === workload);
  return found!.pod.containers.find((c) => c.name === workload)!;
}

function figures(variant: Variant) {
  const config = appConfig(render(variant));
  const skaffold = loadSkaffoldConfig();
  const resolved =
    variant === 'dev' ? resolveProfiles(skaffold, profilesActivatedBy(skaffold, 'dev')) : skaffold;
  const service = container(variant, 'task-service');
  return {
    createTablesWait: Number(config.CREATE_TABLES_WAIT_SECONDS),
    // Once DynamoDB answers, the next attempt comes after at most the longest pause...
    longestPause: DEFAULT_BACKOFF.maxDelayMs / 1000,
    // ...and the attempt that was already under way may take its SDK timeouts and retries.
    attempt: (Number(config.DYNAMODB_TIMEOUT_MS) / 1000) * Number(config.DYNAMODB_MAX_ATTEMPTS),
    serviceStartup: budget(service.startupProbe),
    firstReadiness: service.readinessProbe?.periodSeconds ?? 10,
    localstackStartup: budget(container(variant, 'localstack').startupProbe),
    statusCheck: Number(resolved.deploy.statusCheckDeadlineSeconds ?? 600),
    tolerates: resolved.deploy.tolerateFailuresUntilDeadline === true,
  };
}

for (const variant of ['dev', 'local'] as const) {
  test(`${variant}: create-tables outwaits LocalStack's pull and start`, () => {
    const f = figures(variant);
    assert.equal(f.localstackStartup, 120, 'LocalStack startupProbe: 2 s x 60');
    assert.ok(
      f.createTablesWait >= f.localstackStartup + LOCALSTACK_PULL_ALLOWANCE_SECONDS,
      `CREATE_TABLES_WAIT_SECONDS ${f.createTablesWait} < ${f.localstackStartup} + ${LOCALSTACK_PULL_ALLOWANCE_SECONDS}`,
    );
  });

  test(`${variant}: the waiting Pod is ready before Skaffold's status check deadline`, () => {
    const f = figures(variant);
    const worst =
      f.createTablesWait + f.longestPause + f.attempt + f.serviceStartup + f.firstReadiness;
    assert.ok(worst <= f.statusCheck, `${worst} s > statusCheckDeadlineSeconds ${f.statusCheck}`);
    // A failed init container (Init:Error) during that time must not end the deploy.
    assert.ok(f.tolerates, 'tolerateFailuresUntilDeadline');
  });
}

test("the report Job's own deadline leaves room for its create-tables wait", () => {
  const job = find<ICronJob>(render('local'), 'CronJob', 'task-reporter').spec!.jobTemplate.spec!;
  const wait = Number(appConfig(render('local')).CREATE_TABLES_WAIT_SECONDS);
  assert.ok(wait < (job.activeDeadlineSeconds ?? Infinity) / 2);
});

test('k8s/README.md states the same figures and sum', () => {
  const f = figures('dev');
  const sum = f.createTablesWait + f.longestPause + f.attempt + f.serviceStartup + f.firstReadiness;
  const readme = readFileSync(fromRoot('k8s/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Deadlines'));
  const expected = `${f.createTablesWait} + ${f.longestPause} + ${f.attempt} + ${f.serviceStartup} + ${f.firstReadiness} = ${sum} s`;
  assert.ok(section.includes(expected), `k8s/README.md "Deadlines" states ${expected}`);
  assert.ok(section.includes(`statusCheckDeadlineSeconds: ${f.statusCheck}`));
  assert.ok(section.includes(`${LOCALSTACK_PULL_ALLOWANCE_SECONDS} s`), 'the pull allowance');
});
