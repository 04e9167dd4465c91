/** What each overlay is for: LocalStack locally, IAM roles and scaling on AWS, file sync in dev. */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { find, withoutConfigHash } from './support/kube.ts';
import { objectName, render } from './support/render.ts';

const replicas = (variant: 'local' | 'aws', name: string) =>
  find<IDeployment>(render(variant), 'Deployment', name).spec?.replicas;

test('local: two task-service replicas and LocalStack on port 4566', () => {
  assert.equal(replicas('local', 'task-service'), 2);
  const service = find<IService>(render('local'), 'Service', 'localstack');
  assert.deepEqual(
    service.spec?.ports?.map((p) => [p.port, p.targetPort]),
    [[4566, 'http']],
  );
});

test('local: LocalStack runs DynamoDB only, one instance, ready when its health endpoint is', () => {
  const deployment = find<IDeployment>(render('local'), 'Deployment', 'localstack').spec!;
  assert.equal(deployment.replicas, 1);
  assert.equal(deployment.strategy?.type, 'Recreate');
  const container = deployment.template.spec!.containers[0]!;
  assert.equal(container.readinessProbe?.httpGet?.path, '/_localstack/health');
  assert.equal(container.ports?.find((p) => p.name === 'http')?.containerPort, 4566);
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
  assert.equal(env.SERVICES?.value, 'dynamodb');
});

test('local: the LocalStack auth token comes from an optional Secret the user creates', () => {
  const container = find<IDeployment>(render('local'), 'Deployment', 'localstack').spec!.template
    .spec!.containers[0]!;
  const token = container.env?.find((e) => e.name === 'LOCALSTACK_AUTH_TOKEN');
  assert.deepEqual(token?.valueFrom?.secretKeyRef, {
    name: 'localstack-auth',
    key: 'auth-token',
    optional: true,
  });
});

test('aws: task-service scales 3-10 on CPU under its autoscaler; task-web runs two', () => {
  const objects = render('aws');
  assert.equal(replicas('aws', 'task-service'), undefined, 'the autoscaler owns the count');
  assert.equal(replicas('aws', 'task-web'), 2);
  const hpa = find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'task-service');
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec?.scaleTargetRef, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'task-service',
  });
  assert.deepEqual([hpa.spec?.minReplicas, hpa.spec?.maxReplicas], [3, 10]);
  assert.deepEqual(
    hpa.spec?.metrics?.map((m) => [m.type, m.resource?.name, m.resource?.target.type]),
    [['Resource', 'cpu', 'Utilization']],
  );
});

test('every cluster: disruption budgets let a drain take one Pod of task-service and task-web at a time', () => {
  for (const variant of ['local', 'aws'] as const) {
    for (const name of ['task-service', 'task-web']) {
      const pdb = find<IPodDisruptionBudget>(render(variant), 'PodDisruptionBudget', name);
      assert.deepEqual(pdb.spec?.selector?.matchLabels, { 'app.kubernetes.io/name': name });
      assert.equal(pdb.spec?.maxUnavailable, 1, `${variant}: ${name}`);
    }
  }
});

test('aws: each DynamoDB client has an IAM role on its ServiceAccount (placeholder to replace)', () => {
  const objects = render('aws');
  for (const name of ['task-service', 'task-reporter']) {
    const account = find<IServiceAccount>(objects, 'ServiceAccount', name);
    const arn = account.metadata.annotations?.['eks.amazonaws.com/role-arn'] ?? '';
    assert.match(arn, /^arn:aws:iam::\d{12}:role\/REPLACE-ME-/, name);
  }
  const web = find<IServiceAccount>(objects, 'ServiceAccount', 'task-web');
  assert.equal(web.metadata.annotations, undefined, 'the UI needs no AWS access');
});

test('dev differs from local only where the dev images need it', () => {
  const local = withoutConfigHash(render('local'));
  const changed = withoutConfigHash(render('dev'))
    .filter((object) => {
      const counterpart = local.find((o) => objectName(o) === objectName(object));
      return !isDeepStrictEqual(counterpart, object);
    })
    .map(objectName)
    .sort();
  assert.deepEqual(changed, [
    'ConfigMap/task-manager-config',
    'Deployment/task-service',
    'Deployment/task-web',
    'Ingress/task-manager',
  ]);
  const web = find<IDeployment>(render('dev'), 'Deployment', 'task-web');
  assert.equal(web.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort, 5173);
});
