/**
 * Every variant renders with `kubectl kustomize`, every object is valid against the Kubernetes
 * API schemas (kubernetes-models), and each variant contains exactly the objects it should.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { workloads, withoutConfigHash } from './support/kube.ts';
import {
  ALL_VARIANTS,
  objectName,
  render,
  renderDirectory,
  type KubeObject,
} from './support/render.ts';

interface ValidatingModel {
  validate(): void;
}
type ModelClass = new (data: KubeObject) => ValidatingModel;

/** The kubernetes-models class for an object's apiVersion and kind, e.g. kubernetes-models/apps/v1/Deployment. */
async function modelClass(object: KubeObject): Promise<ModelClass> {
  const specifier = `kubernetes-models/${object.apiVersion}/${object.kind}`;
  const module = (await import(specifier)) as Record<string, ModelClass | undefined>;
  const model = module[object.kind];
  if (!model) throw new Error(`${specifier} exports no ${object.kind}`);
  return model;
}

const APP_OBJECTS = [
  'ConfigMap/task-manager-config',
  'CronJob/task-reporter',
  'Deployment/task-service',
  'Deployment/task-web',
  'Ingress/task-manager',
  'PodDisruptionBudget/task-service',
  'PodDisruptionBudget/task-web',
  'Service/task-service',
  'Service/task-web',
  'ServiceAccount/task-reporter',
  'ServiceAccount/task-service',
  'ServiceAccount/task-web',
];
const LOCALSTACK = ['ConfigMap/localstack-init', 'Deployment/localstack', 'Service/localstack'];
/** The development identity provider (k8s/components/identity-provider): local clusters only. */
const IDENTITY_PROVIDER = [
  'Deployment/identity-provider',
  'Service/identity-provider',
  'ServiceAccount/identity-provider',
];
const AWS_EXTRAS = ['HorizontalPodAutoscaler/task-service'];
const NETWORK_POLICIES = [
  'NetworkPolicy/identity-provider-allow-clients',
  'NetworkPolicy/localstack-allow-dynamodb-clients',
  'NetworkPolicy/task-manager-default-deny-ingress',
  'NetworkPolicy/task-service-allow-ingress-controller',
  'NetworkPolicy/task-web-allow-ingress-controller',
];

const TRACING = [
  'ConfigMap/jaeger-config',
  'ConfigMap/task-manager-tracing',
  'Deployment/jaeger',
  'NetworkPolicy/jaeger-allow-otlp-from-apps',
  'Service/jaeger',
  'ServiceAccount/jaeger',
];

const EXPECTED: Record<(typeof ALL_VARIANTS)[number], string[]> = {
  local: [...APP_OBJECTS, ...LOCALSTACK, ...IDENTITY_PROVIDER],
  dev: [...APP_OBJECTS, ...LOCALSTACK, ...IDENTITY_PROVIDER],
  aws: [...APP_OBJECTS, ...AWS_EXTRAS],
  'local+network-policies': [
    ...APP_OBJECTS,
    ...LOCALSTACK,
    ...IDENTITY_PROVIDER,
    ...NETWORK_POLICIES,
  ],
  'aws+network-policies': [
    ...APP_OBJECTS,
    ...AWS_EXTRAS,
    ...NETWORK_POLICIES,
    'NetworkPolicy/task-manager-allow-load-balancer',
  ],
  'dev+tracing': [...APP_OBJECTS, ...LOCALSTACK, ...IDENTITY_PROVIDER, ...TRACING],
  'local+tracing': [...APP_OBJECTS, ...LOCALSTACK, ...IDENTITY_PROVIDER, ...TRACING],
  'local+network-policies+tracing': [
    ...APP_OBJECTS,
    ...LOCALSTACK,
    ...IDENTITY_PROVIDER,
    ...NETWORK_POLICIES,
    ...TRACING,
  ],
};

for (const variant of ALL_VARIANTS) {
  describe(`${variant}`, () => {
    test('renders exactly the expected objects', () => {
      const names = withoutConfigHash(render(variant)).map(objectName).sort();
      assert.deepEqual(names, [...EXPECTED[variant]].sort());
    });

    test('every object validates against the Kubernetes API schema', async () => {
      for (const object of render(variant)) {
        const Model = await modelClass(object);
        assert.doesNotThrow(
          () => new Model(object).validate(),
          `${variant}: ${objectName(object)} is not a valid ${object.apiVersion} ${object.kind}`,
        );
      }
    });

    test('every object and Pod template carries the app.kubernetes.io labels', () => {
      const problems: string[] = [];
      const check = (where: string, labels: Record<string, string> | undefined) => {
        if (!labels?.['app.kubernetes.io/name']) problems.push(`${where}: no name label`);
        if (!labels?.['app.kubernetes.io/component']) problems.push(`${where}: no component label`);
        if (labels?.['app.kubernetes.io/part-of'] !== 'task-manager') {
          problems.push(`${where}: part-of is not task-manager`);
        }
      };
      for (const object of render(variant)) {
        // NetworkPolicies belong to the app as a whole and have no single component.
        if (object.kind === 'NetworkPolicy') {
          if (object.metadata.labels?.['app.kubernetes.io/part-of'] !== 'task-manager') {
            problems.push(`${objectName(object)}: part-of is not task-manager`);
          }
          continue;
        }
        check(objectName(object), object.metadata.labels);
      }
      for (const workload of workloads(render(variant))) {
        check(`${workload.kind}/${workload.name} Pod template`, workload.podLabels);
      }
      assert.deepEqual(problems, []);
    });

    test('no object is a Secret: secrets are created by the user, never kept in manifests', () => {
      assert.deepEqual(
        render(variant)
          .filter((object) => object.kind === 'Secret')
          .map(objectName),
        [],
      );
    });

    test('nothing is pinned to a namespace, so the current namespace is used', () => {
      const pinned = render(variant).filter((object) => object.metadata.namespace !== undefined);
      assert.deepEqual(pinned.map(objectName), []);
    });
  });
}

test('localstack/ renders on its own (kubectl apply -k localstack/)', () => {
  assert.deepEqual(
    withoutConfigHash(renderDirectory('localstack')).map(objectName).sort(),
    LOCALSTACK,
  );
});

test('a broken object fails the schema validation', async () => {
  const deployment = render('local').find((o) => objectName(o) === 'Deployment/task-service')!;
  const broken = structuredClone(deployment) as KubeObject & IDeployment;
  broken.spec!.template.spec!.containers[0]!.ports![0]!.containerPort = 'three thousand' as never;
  const Model = await modelClass(broken);
  assert.throws(() => new Model(broken).validate(), /containerPort/);
});
