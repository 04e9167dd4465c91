/**
 * How the Pods start, stop and roll: probes fit for the apps' timings, grace periods covering the
 * drain, zero-downtime rollouts, tables created first, and the report CronJob.
 */
import assert from 'node:assert/strict';
import { existsSync, globSync } from 'node:fs';
import { describe, test } from 'node:test';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IService } from 'kubernetes-models/v1/Service';
import { TRACES_FLUSH_TIMEOUT_MS } from '../../packages/telemetry/src/index.ts';
import * as k from './support/kube.ts';
import { failureBudget, probeViolations } from './support/policies.ts';

/** Containers that take long enough to start to need a startupProbe. */
const SLOW_STARTERS = ['task-service', 'localstack'];
/** The app Deployments, which must roll without downtime. */
const APP_DEPLOYMENTS = ['task-service', 'task-web'];

const mainContainer = (variant: k.Variant, name: string) =>
  k.mainContainer(k.render(variant), name);

/**
 * The pause before SIGTERM behind an ALB (target-type ip): the AWS Load Balancer Controller
 * deregisters a stopping Pod through the AWS API, and the ALB still sends to it meanwhile.
 */
const ALB_DEREGISTRATION_SECONDS = 15;

/** Seconds nginx keeps serving requests in flight after its graceful stop (docker/nginx). */
const nginxShutdownSeconds = () =>
  Number(/^\s*worker_shutdown_timeout\s+(\d+)s;/m.exec(k.readText('docker/nginx/nginx.conf'))?.[1]);

for (const variant of k.ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => k.render(variant);
    const config = () => k.appConfig(objects());
    const shutdownSeconds = () => Number(config().SHUTDOWN_TIMEOUT_MS) / 1000;

    test('long-running containers have readiness and liveness probes (startup where slow)', () => {
      const problems = k
        .allContainers(objects())
        .filter((ref) => ref.workload.kind === 'Deployment' && !ref.init)
        .flatMap((ref) => probeViolations(ref, SLOW_STARTERS.includes(ref.container.name)));
      assert.deepEqual(problems, []);
    });

    test("task-service's probes use its /health endpoints with thresholds fit for its timings", () => {
      const container = mainContainer(variant, 'task-service');
      const { startupProbe, readinessProbe, livenessProbe } = container;
      assert.equal(startupProbe?.httpGet?.path, '/health/startup');
      assert.equal(readinessProbe?.httpGet?.path, '/health/readiness');
      assert.equal(livenessProbe?.httpGet?.path, '/health/liveness');
      // It listens within 1-2 s: probing every second or two makes it ready right then...
      assert.ok((startupProbe!.periodSeconds ?? 10) <= 2, 'startupProbe polls at most every 2 s');
      assert.ok(!startupProbe!.initialDelaySeconds, 'no fixed delay before the first check');
      // ...while a slow node still gets a generous start before a restart.
      assert.ok(failureBudget(startupProbe!) >= 15, 'startupProbe allows at least 15 s');
      // An outage (or the start of shutdown) takes the Pod out of rotation within seconds.
      assert.ok(failureBudget(readinessProbe!) <= 10, 'readiness reacts within 10 s');
      // A Pod busy draining for SHUTDOWN_TIMEOUT_MS is never mistaken for a wedged one.
      assert.ok(failureBudget(livenessProbe!) > shutdownSeconds());
    });

    test("task-web is probed on nginx's /healthz (the dev server on /)", () => {
      const { readinessProbe, livenessProbe } = mainContainer(variant, 'task-web');
      const path = k.overlayOf(variant) === 'dev' ? '/' : '/healthz';
      assert.equal(readinessProbe?.httpGet?.path, path);
      assert.equal(livenessProbe?.httpGet?.path, path);
    });

    /** Seconds each app may take to stop after SIGTERM. */
    const drainSeconds = (): Record<string, number> => ({
      // Draining, then exporting the last spans (bounded; tracing may be on in any variant).
      'task-service': shutdownSeconds() + TRACES_FLUSH_TIMEOUT_MS / 1000,
      'task-web': nginxShutdownSeconds(),
    });
    const preStopSeconds = (name: string) =>
      mainContainer(variant, name).lifecycle?.preStop?.sleep?.seconds;
    const graceSeconds = (name: string) =>
      k.workload(objects(), name).pod.terminationGracePeriodSeconds ?? 30;

    test('grace periods exceed the preStop pause plus the time the app may take to drain and export its last spans', () => {
      for (const name of APP_DEPLOYMENTS) {
        const preStop = preStopSeconds(name);
        assert.ok(preStop !== undefined && preStop >= 3, `${name}: preStop sleep of a few seconds`);
        const [grace, drain] = [graceSeconds(name), drainSeconds()[name]!];
        assert.ok(
          grace > preStop + drain,
          `${name}: grace ${grace} s <= preStop ${preStop} s + drain ${drain} s`,
        );
      }
    });

    if (k.overlayOf(variant) === 'aws') {
      test('behind the ALB a stopping Pod gets no new requests before SIGTERM, and the ALB waits for the ones it has', () => {
        const ingress = k.ingress(objects());
        assert.equal(ingress.spec?.ingressClassName, 'alb');
        const attributes = (annotations: Record<string, string> | undefined) =>
          annotations?.['alb.ingress.kubernetes.io/target-group-attributes'];
        for (const name of APP_DEPLOYMENTS) {
          const preStop = preStopSeconds(name) ?? 0;
          assert.ok(
            preStop >= ALB_DEREGISTRATION_SECONDS,
            `${name}: preStop ${preStop} s < ${ALB_DEREGISTRATION_SECONDS} s`,
          );
          // A Service's own target-group attributes would replace the Ingress's.
          const service = k.find<IService>(objects(), 'Service', name);
          const set =
            attributes(service.metadata?.annotations) ?? attributes(ingress.metadata?.annotations);
          const delay = Number(
            /(?:^|,)deregistration_delay\.timeout_seconds=(\d+)(?:,|$)/.exec(set ?? '')?.[1],
          );
          const [servesFor, grace] = [preStop + drainSeconds()[name]!, graceSeconds(name)];
          assert.ok(
            delay >= servesFor && delay <= grace,
            `${name}: the ALB's deregistration delay ${delay} s is not within [${servesFor}, ${grace}] s`,
          );
        }
      });
    }

    test('app Deployments roll one new Pod at a time and never drop below their replicas', () => {
      for (const name of APP_DEPLOYMENTS) {
        const { strategy } = k.find<IDeployment>(objects(), 'Deployment', name).spec ?? {};
        const { maxUnavailable, maxSurge } = strategy?.rollingUpdate ?? {};
        assert.deepEqual([strategy?.type, maxUnavailable, maxSurge], ['RollingUpdate', 0, 1], name);
      }
    });

    test('task-service and the report job create the tables first, with their own image', () => {
      for (const name of ['task-service', 'task-reporter']) {
        // The dev target of task-service runs sources; the report job has no dev target.
        const createTables =
          k.overlayOf(variant) === 'dev' && name === 'task-service'
            ? ['node', '--conditions=development', 'packages/task-store/src/bin/create-tables.ts']
            : ['node', 'packages/task-store/dist/bin/create-tables.js'];
        const init = k.workload(objects(), name).pod.initContainers ?? [];
        assert.deepEqual(k.namesOf(init), ['create-tables'], name);
        assert.deepEqual(init[0]!.command, createTables, name);
        assert.equal(init[0]!.image, mainContainer(variant, name).image, name);
      }
    });

    test('the report CronJob runs daily after midnight in the report time zone, one at a time', () => {
      const cronJob = k.find<ICronJob>(objects(), 'CronJob', 'task-reporter').spec!;
      const [minute, hour, ...daily] = cronJob.schedule.trim().split(/\s+/);
      assert.deepEqual(daily, ['*', '*', '*'], 'every day');
      assert.match(minute ?? '', /^\d+$/);
      assert.ok(Number(hour) >= 0 && Number(hour) <= 5, 'in the early hours');
      assert.equal(cronJob.timeZone, config().REPORT_TIMEZONE, 'timeZone = REPORT_TIMEZONE');
      assert.equal(cronJob.concurrencyPolicy, 'Forbid');
      assert.ok((cronJob.startingDeadlineSeconds ?? 0) > 0, 'startingDeadlineSeconds');
      assert.ok(cronJob.successfulJobsHistoryLimit !== undefined, 'successfulJobsHistoryLimit');
      assert.ok(cronJob.failedJobsHistoryLimit !== undefined, 'failedJobsHistoryLimit');
      const job = cronJob.jobTemplate.spec!;
      assert.ok(job.backoffLimit !== undefined && job.backoffLimit <= 3, 'backoffLimit');
      assert.ok((job.activeDeadlineSeconds ?? 0) > 0, 'activeDeadlineSeconds');
      assert.ok((job.ttlSecondsAfterFinished ?? 0) > 0, 'ttlSecondsAfterFinished');
      assert.equal(job.template.spec?.restartPolicy, 'Never');
      // The image's CMD, heap flags included (heap-limits.test.ts checks the Dockerfile).
      assert.deepEqual(mainContainer(variant, 'task-reporter').command, REPORTER_COMMAND);
    });
  });
}

test('the probed paths and ports are the ones the programs serve', () => {
  const site = k.readText('docker/nginx/task-web.conf');
  const web = mainContainer('local', 'task-web');
  assert.match(site, /^\s*location = \/healthz \{/m, 'nginx answers /healthz');
  const listen = /^\s*listen\s+(\d+);/m.exec(site)?.[1];
  assert.equal(Number(listen), k.containerPort(web, 'http'));
  const files = globSync('services/task-service/src/**/*.ts', { cwd: k.repoRoot });
  const sources = files.map(k.readText).join('\n');
  const service = mainContainer('local', 'task-service');
  for (const probe of [service.startupProbe, service.readinessProbe, service.livenessProbe]) {
    assert.ok(
      sources.includes(`'${probe?.httpGet?.path}'`),
      `task-service serves ${probe?.httpGet?.path}`,
    );
  }
});

test('the entry points the manifests run exist in the sources the images are built from', () => {
  assert.ok(existsSync(k.fromRoot('packages/task-store/src/bin/create-tables.ts')));
  assert.ok(existsSync(k.fromRoot('batch/src/main.ts')));
  for (const image of ['task-service', 'task-reporter']) {
    const dockerfile = k.readText(`docker/${image}.Dockerfile`);
    assert.match(dockerfile, /packages\/task-store\/dist/, `${image} image ships create-tables`);
  }
});
