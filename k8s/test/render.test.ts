/** Every variant renders exactly the objects expected, each valid (kubernetes-models). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import * as k from './support/kube.ts';

/** The kubernetes-models class for an object's apiVersion and kind. */
async function validate(object: k.KubeObject) {
  const module = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<
    string,
    new (data: k.KubeObject) => { validate(): void }
  >;
  new module[object.kind]!(object).validate();
}

const APP = [
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
const IDENTITY_PROVIDER = ['Deployment', 'Service', 'ServiceAccount'].map(
  (kind) => `${kind}/identity-provider`,
);
const LOCAL = [...APP, ...LOCALSTACK, ...IDENTITY_PROVIDER];
const AWS = [...APP, 'HorizontalPodAutoscaler/task-service'];
const NETWORK_POLICIES = [
  'identity-provider-allow-clients',
  'localstack-allow-dynamodb-clients',
  'task-manager-default-deny-ingress',
  'task-service-allow-ingress-controller',
  'task-web-allow-ingress-controller',
].map((name) => `NetworkPolicy/${name}`);
const TRACING = [
  'ConfigMap/jaeger-config',
  'ConfigMap/task-manager-tracing',
  'Deployment/jaeger',
  'NetworkPolicy/jaeger-allow-otlp-from-apps',
  'Service/jaeger',
  'ServiceAccount/jaeger',
];

const EXPECTED: Record<k.Variant, string[]> = {
  local: LOCAL,
  dev: LOCAL,
  aws: AWS,
  'local+network-policies': [...LOCAL, ...NETWORK_POLICIES],
  'aws+network-policies': [
    ...AWS,
    ...NETWORK_POLICIES,
    'NetworkPolicy/task-manager-allow-load-balancer',
  ],
  'dev+tracing': [...LOCAL, ...TRACING],
  'local+tracing': [...LOCAL, ...TRACING],
  'local+network-policies+tracing': [...LOCAL, ...NETWORK_POLICIES, ...TRACING],
};

for (const variant of k.ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => k.render(variant);
    const names = (list: k.KubeObject[]) => list.map(k.objectName).sort();

    test('renders exactly the expected objects', () => {
      assert.deepEqual(names(k.withoutConfigHash(objects())), [...EXPECTED[variant]].sort());
    });

    test('every object validates against the Kubernetes API schema', async () => {
      for (const object of objects()) {
        await assert.doesNotReject(
          validate(object),
          `${variant}: ${k.objectName(object)} is not valid`,
        );
      }
    });

    test('every object and Pod template carries the app.kubernetes.io labels', () => {
      const labelled = [
        ...objects().map(
          (o) => [k.objectName(o), o.metadata.labels, o.kind !== 'NetworkPolicy'] as const,
        ),
        ...k
          .workloads(objects())
          .map((w) => [`${w.kind}/${w.name} Pod template`, w.podLabels, true] as const),
      ];
      const problems = labelled.flatMap(([where, labels = {}, isComponent]) => [
        // NetworkPolicies belong to the app as a whole and have no single component.
        ...(isComponent ? ['name', 'component'] : [])
          .filter((label) => !labels[`app.kubernetes.io/${label}`])
          .map((label) => `${where}: no ${label} label`),
        ...(labels['app.kubernetes.io/part-of'] === 'task-manager'
          ? []
          : [`${where}: part-of is not task-manager`]),
      ]);
      assert.deepEqual(problems, []);
    });

    test('no object is a Secret: secrets are created by the user, never kept in manifests', () => {
      assert.deepEqual(names(objects().filter((object) => object.kind === 'Secret')), []);
    });

    test('nothing is pinned to a namespace, so the current namespace is used', () => {
      assert.deepEqual(names(objects().filter((object) => object.metadata.namespace)), []);
    });
  });
}

test('localstack/ renders on its own (kubectl apply -k localstack/)', () => {
  const names = k.withoutConfigHash(k.renderDirectory('localstack')).map(k.objectName);
  assert.deepEqual(names.sort(), LOCALSTACK);
});

test('a broken object fails the schema validation', async () => {
  const broken = structuredClone(
    k.find<IDeployment>(k.render('local'), 'Deployment', 'task-service'),
  );
  broken.spec!.template.spec!.containers[0]!.ports![0]!.containerPort = 'three thousand' as never;
  await assert.rejects(validate(broken), /containerPort/);
});
