/**
 * What each overlay is for: LocalStack locally, file sync in dev; on aws IAM roles, an autoscaler,
 * spreading rollouts, registry images without Skaffold, NetworkPolicies for the load balancer.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import * as k from './support/kube.ts';
import { imageName } from './support/policies.ts';
import { skaffoldFor } from './support/skaffold.ts';

const AWS_OVERLAY = 'k8s/overlays/aws';

test('local: two task-service replicas; LocalStack runs DynamoDB only, one instance on port 4566, ready when its health endpoint is', () => {
  const objects = k.render('local');
  assert.equal(k.workload(objects, 'task-service').replicas, 2);
  const service = k.find<IService>(objects, 'Service', 'localstack');
  const ports = service.spec?.ports?.map((p) => [p.port, p.targetPort]);
  assert.deepEqual(ports, [[4566, 'http']]);
  const { replicas, strategy } = k.find<IDeployment>(objects, 'Deployment', 'localstack').spec!;
  assert.equal(replicas, 1);
  assert.equal(strategy?.type, 'Recreate');
  const container = k.mainContainer(objects, 'localstack');
  assert.equal(container.readinessProbe?.httpGet?.path, '/_localstack/health');
  assert.equal(k.containerPort(container, 'http'), 4566);
  const env = (name: string) => container.env?.find((entry) => entry.name === name);
  assert.equal(env('SERVICES')?.value, 'dynamodb');
  // Its auth token comes from an optional Secret the user creates.
  assert.deepEqual(env('LOCALSTACK_AUTH_TOKEN')?.valueFrom?.secretKeyRef, {
    name: 'localstack-auth',
    key: 'auth-token',
    optional: true,
  });
});

test('aws: task-service scales 3-10 on CPU under its autoscaler; task-web runs two', () => {
  const objects = k.render('aws');
  assert.equal(k.workload(objects, 'task-service').replicas, undefined, 'the autoscaler owns it');
  assert.equal(k.workload(objects, 'task-web').replicas, 2);
  const hpa = k.find<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler', 'task-service');
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  const spec = hpa.spec!;
  const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'task-service' };
  assert.deepEqual(spec.scaleTargetRef, target);
  assert.deepEqual([spec.minReplicas, spec.maxReplicas], [3, 10]);
  const metrics = spec.metrics?.map((m) => [m.type, m.resource?.name, m.resource?.target.type]);
  assert.deepEqual(metrics, [['Resource', 'cpu', 'Utilization']]);
});

test('every cluster: disruption budgets let a drain take one Pod of task-service and task-web at a time', () => {
  for (const variant of ['local', 'aws'] as const) {
    for (const name of ['task-service', 'task-web']) {
      const pdb = k.find<IPodDisruptionBudget>(k.render(variant), 'PodDisruptionBudget', name);
      assert.deepEqual(pdb.spec?.selector?.matchLabels, { 'app.kubernetes.io/name': name });
      assert.equal(pdb.spec?.maxUnavailable, 1, `${variant}: ${name}`);
    }
  }
});

test('aws: each DynamoDB client has an IAM role on its ServiceAccount (placeholder to replace)', () => {
  const annotations = (name: string) =>
    k.find<IServiceAccount>(k.render('aws'), 'ServiceAccount', name).metadata.annotations;
  for (const name of ['task-service', 'task-reporter']) {
    const role = annotations(name)?.['eks.amazonaws.com/role-arn'] ?? '';
    assert.match(role, /^arn:aws:iam::\d{12}:role\/REPLACE-ME-/, name);
  }
  assert.equal(annotations('task-web'), undefined, 'the UI needs no AWS access');
});

test('dev differs from local only where the dev images need it', () => {
  const local = new Map(k.withoutConfigHash(k.render('local')).map((o) => [k.objectName(o), o]));
  const changed = k
    .withoutConfigHash(k.render('dev'))
    .filter((object) => !isDeepStrictEqual(local.get(k.objectName(object)), object))
    .map(k.objectName)
    .sort();
  assert.deepEqual(changed, [
    'ConfigMap/task-manager-config',
    'Deployment/task-service',
    'Deployment/task-web',
    'Ingress/task-manager',
  ]);
  const web = k.workload(k.render('dev'), 'task-web').pod.containers[0];
  assert.equal(web?.ports?.[0]?.containerPort, 5173);
});

for (const variant of k.ALL_VARIANTS) {
  test(`${variant}: topology spread counts only the Pods of the same rollout, and selects its own Pods`, () => {
    const constraints = k
      .workloads(k.render(variant))
      .flatMap((w) =>
        (w.pod.topologySpreadConstraints ?? []).map((constraint) => ({ w, constraint })),
      );
    assert.ok(constraints.length > 0, 'task-service spreads');
    for (const { w, constraint } of constraints) {
      const where = `${w.name} (${constraint.topologyKey})`;
      assert.deepEqual(constraint.matchLabelKeys, ['pod-template-hash'], where);
      assert.ok(k.matchesSelector(w.podLabels, constraint.labelSelector?.matchLabels), where);
      // Never leaves a Pod Pending on a cluster with fewer nodes or zones than replicas.
      assert.equal(constraint.whenUnsatisfiable, 'ScheduleAnyway', where);
    }
  });
}

test('aws: every Deployment of more than one replica spreads across nodes and zones', () => {
  const objects = k.render('aws');
  const hpas = k.ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
  const scaled = hpas.map((hpa) => hpa.spec?.scaleTargetRef.name);
  const isMany = (w: k.Workload) => (w.replicas ?? 1) > 1 || scaled.includes(w.name);
  const many = k.workloads(objects).filter((w) => w.kind === 'Deployment' && isMany(w));
  assert.deepEqual(k.namesOf(many), ['task-service', 'task-web']);
  for (const { name, pod } of many) {
    const keys = (pod.topologySpreadConstraints ?? []).map((c) => c.topologyKey).sort();
    assert.deepEqual(keys, ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'], name);
  }
});

describe('aws images without Skaffold', () => {
  type ImageMapping = { name: string; newName?: string; newTag?: string };
  const overlay = k.readYaml(`${AWS_OVERLAY}/kustomization.yaml`) as { images?: ImageMapping[] };
  const mappings = overlay.images ?? [];

  test('each image of the project is mapped to a registry and the release tag', () => {
    assert.deepEqual(k.namesOf(mappings), ['task-reporter', 'task-service', 'task-web']);
    for (const mapping of mappings) {
      assert.match(mapping.newName ?? '', /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//);
      assert.equal(mapping.newTag, k.RELEASE, `${mapping.name}: the root package.json version`);
    }
  });

  test('the rendered manifests pull only from there (or pinned third-party images)', () => {
    for (const variant of ['aws', 'aws+network-policies'] as const) {
      for (const { id, container } of k.allContainers(k.render(variant))) {
        const mapping = mappings.find((m) => m.newName === imageName(container.image));
        assert.ok(mapping, `${variant} ${id}: ${container.image} is not a mapped image`);
        assert.equal(container.image, `${mapping.newName}:${k.RELEASE}`);
      }
    }
  });

  test("Skaffold's aws profile builds and pushes exactly those names, so it replaces them", () => {
    const awsArtifacts = skaffoldFor('aws').build.artifacts.map((a) => a.image);
    assert.deepEqual(awsArtifacts.sort(), mappings.map((m) => m.newName).sort());
    const bare = skaffoldFor('local').build.artifacts.map((a) => a.image);
    for (const artifact of awsArtifacts) {
      const renamed = bare.some((name) => artifact.endsWith(`/${name}`));
      assert.ok(renamed, artifact);
    }
  });
});

describe('NetworkPolicies on AWS', () => {
  const parameter = k.readYaml(`${AWS_OVERLAY}/load-balancer-source.yaml`) as {
    metadata: { name: string; annotations?: Record<string, string> };
    data: { cidr: string };
  };

  test('the load balancer CIDR is a parameter for Kustomize only, a valid IPv4 CIDR', () => {
    assert.equal(parameter.metadata.annotations?.['config.kubernetes.io/local-config'], 'true');
    const [address, prefix] = parameter.data.cidr.split('/');
    assert.ok(address?.split('.').every((octet) => Number(octet) >= 0 && Number(octet) <= 255));
    assert.ok(Number(prefix) >= 8 && Number(prefix) <= 32, parameter.data.cidr);
    for (const variant of ['aws', 'aws+network-policies'] as const) {
      const names = k.render(variant).map((o) => o.metadata.name);
      assert.ok(!names.includes(parameter.metadata.name), `${variant}: never sent to the cluster`);
    }
  });

  test('with the components enabled, the UI and the API admit the load balancer and ingress-nginx', () => {
    const objects = k.render('aws+network-policies');
    const find = (name: string) => k.find<INetworkPolicy>(objects, 'NetworkPolicy', name);
    const policy = find('task-manager-allow-load-balancer');
    assert.deepEqual(policy.spec?.ingress, [
      {
        from: [{ ipBlock: { cidr: parameter.data.cidr } }],
        ports: [{ protocol: 'TCP', port: 'http' }],
      },
    ]);
    const selector = policy.spec?.podSelector ?? {};
    const admitted = k.workloads(objects).filter((w) => k.selects(selector, w.podLabels));
    assert.deepEqual(k.namesOf(admitted), ['task-service', 'task-web']);
    for (const name of ['task-web', 'task-service']) find(`${name}-allow-ingress-controller`);
  });

  test("the aws overlay's instructions enable exactly the components the test renders", () => {
    const text = k.readText(`${AWS_OVERLAY}/kustomization.yaml`);
    const commented = /^# components:\n((?:# {3}- .+\n)+)/m.exec(text)?.[1] ?? '';
    const documented = [...commented.matchAll(/^# {3}- (.+)$/gm)].map((line) =>
      path.join(AWS_OVERLAY, line[1]!),
    );
    assert.deepEqual(documented, k.VARIANTS['aws+network-policies'].slice(1));
  });

  test('without the parameter the component refuses to render, naming it', () => {
    assert.throws(
      () => k.renderKustomization(['k8s/base', ...k.VARIANTS['aws+network-policies'].slice(1)]),
      /nothing selected by ConfigMap.*aws-load-balancer-source/,
    );
  });
});

test('the documentation states that the autoscaler needs metrics-server', () => {
  const aws = k.readText('k8s/README.md').split('\n## AWS (EKS)')[1]!;
  assert.match(aws.split('\n## ')[0]!, /metrics-server/);
  assert.match(k.readText(`${AWS_OVERLAY}/kustomization.yaml`), /metrics-server/);
});
