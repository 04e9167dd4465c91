/**
 * The aws overlay holds under its own autoscaler and outside Skaffold: the HPA alone owns
 * task-service's replica count, rollouts spread on their own, the images name a registry, and
 * NetworkPolicies admit the AWS load balancer. The spread and HPA rules hold in every variant.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { allContainers, find, matchesSelector, ofKind, workloads } from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import { imageName } from './support/policies.ts';
import { ALL_VARIANTS, render, renderDirectory } from './support/render.ts';
import { skaffoldFor } from './support/skaffold.ts';

const AWS_OVERLAY = 'k8s/overlays/aws';
const readYaml = (file: string) => parse(readFileSync(fromRoot(file), 'utf8')) as unknown;

interface ImageMapping {
  name: string;
  newName?: string;
  newTag?: string;
}

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    test('a Deployment that an autoscaler scales has no replicas of its own', () => {
      const objects = render(variant);
      for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
        const target = workloads(objects).find((w) => w.name === hpa.spec?.scaleTargetRef.name);
        assert.ok(target, hpa.metadata.name);
        assert.equal(
          target.replicas,
          undefined,
          `${target.name}: spec.replicas would reset the autoscaler on every apply`,
        );
      }
    });

    test('topology spread counts only the Pods of the same rollout, and selects its own Pods', () => {
      const constraints = workloads(render(variant)).flatMap((workload) =>
        (workload.pod.topologySpreadConstraints ?? []).map((constraint) => ({
          workload,
          constraint,
        })),
      );
      assert.ok(constraints.length > 0, 'task-service spreads');
      for (const { workload, constraint } of constraints) {
        const where = `${workload.name} (${constraint.topologyKey})`;
        assert.deepEqual(constraint.matchLabelKeys, ['pod-template-hash'], where);
        assert.ok(
          matchesSelector(workload.podLabels, constraint.labelSelector?.matchLabels),
          where,
        );
        // Never leaves a Pod Pending on a cluster with fewer nodes or zones than replicas.
        assert.equal(constraint.whenUnsatisfiable, 'ScheduleAnyway', where);
      }
    });
  });
}

test('aws: task-service spreads across nodes and zones', () => {
  const service = workloads(render('aws')).find((w) => w.name === 'task-service')!;
  assert.deepEqual((service.pod.topologySpreadConstraints ?? []).map((c) => c.topologyKey).sort(), [
    'kubernetes.io/hostname',
    'topology.kubernetes.io/zone',
  ]);
});

describe('aws images without Skaffold', () => {
  const overlay = readYaml(`${AWS_OVERLAY}/kustomization.yaml`) as { images?: ImageMapping[] };
  const release = (readYaml('package.json') as { version: string }).version;
  const awsArtifacts = skaffoldFor('aws').build.artifacts.map((a) => a.image);

  test('each image of the project is mapped to a registry and the release tag', () => {
    const mappings = overlay.images ?? [];
    assert.deepEqual(mappings.map((m) => m.name).sort(), [
      'task-reporter',
      'task-service',
      'task-web',
    ]);
    for (const mapping of mappings) {
      assert.match(mapping.newName ?? '', /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//);
      assert.equal(mapping.newTag, release, `${mapping.name}: the root package.json version`);
    }
  });

  test('the rendered manifests pull only from there (or pinned third-party images)', () => {
    for (const variant of ['aws', 'aws+network-policies'] as const) {
      for (const ref of allContainers(render(variant))) {
        const mapping = (overlay.images ?? []).find(
          (m) => m.newName === imageName(ref.container.image ?? ''),
        );
        assert.ok(mapping, `${variant} ${ref.id}: ${ref.container.image} is not a mapped image`);
        assert.equal(ref.container.image, `${mapping.newName}:${release}`);
      }
    }
  });

  test("Skaffold's aws profile builds and pushes exactly those names, so it replaces them", () => {
    assert.deepEqual(awsArtifacts.sort(), (overlay.images ?? []).map((m) => m.newName).sort());
    const bare = skaffoldFor('local').build.artifacts.map((a) => a.image);
    for (const artifact of awsArtifacts) {
      assert.ok(
        bare.some((name) => artifact.endsWith(`/${name}`)),
        artifact,
      );
    }
  });
});

describe('NetworkPolicies on AWS', () => {
  const parameter = readYaml(`${AWS_OVERLAY}/load-balancer-source.yaml`) as {
    metadata: { name: string; annotations?: Record<string, string> };
    data: { cidr: string };
  };

  test('the load balancer CIDR is a parameter for Kustomize only, a valid IPv4 CIDR', () => {
    assert.equal(parameter.metadata.annotations?.['config.kubernetes.io/local-config'], 'true');
    const [address, prefix] = parameter.data.cidr.split('/');
    assert.ok(address?.split('.').every((octet) => Number(octet) >= 0 && Number(octet) <= 255));
    assert.ok(Number(prefix) >= 8 && Number(prefix) <= 32, parameter.data.cidr);
    for (const variant of ['aws', 'aws+network-policies'] as const) {
      const names = render(variant).map((o) => o.metadata.name);
      assert.ok(!names.includes(parameter.metadata.name), `${variant}: never sent to the cluster`);
    }
  });

  test('with the components enabled, the UI and the API admit the load balancer and ingress-nginx', () => {
    const objects = render('aws+network-policies');
    const policy = find<INetworkPolicy>(
      objects,
      'NetworkPolicy',
      'task-manager-allow-load-balancer',
    );
    assert.deepEqual(policy.spec?.ingress, [
      {
        from: [{ ipBlock: { cidr: parameter.data.cidr } }],
        ports: [{ protocol: 'TCP', port: 'http' }],
      },
    ]);
    const admitted = workloads(objects)
      .filter((w) =>
        (policy.spec?.podSelector?.matchExpressions ?? []).every(
          (e) => e.operator === 'In' && (e.values ?? []).includes(w.podLabels[e.key] ?? ''),
        ),
      )
      .map((w) => w.name)
      .sort();
    assert.deepEqual(admitted, ['task-service', 'task-web']);
    for (const name of ['task-web', 'task-service']) {
      find<INetworkPolicy>(objects, 'NetworkPolicy', `${name}-allow-ingress-controller`);
    }
  });

  test("the aws overlay's instructions enable exactly the components the test renders", () => {
    const text = readFileSync(fromRoot(`${AWS_OVERLAY}/kustomization.yaml`), 'utf8');
    const commented = /^# components:\n((?:# {3}- .+\n)+)/m.exec(text)?.[1] ?? '';
    const documented = commented
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/^# {3}- /, ''));
    const fixture = readYaml('k8s/test/fixtures/aws-with-network-policies/kustomization.yaml') as {
      components: string[];
    };
    assert.deepEqual(
      documented,
      fixture.components.map((c) => c.replace('../../../', '../../')),
    );
  });

  test('without the parameter the component refuses to render, naming it', () => {
    assert.throws(
      () => renderDirectory('k8s/test/fixtures/aws-load-balancer-source-unset'),
      /aws-load-balancer-source/,
    );
  });
});

test('the documentation states that the autoscaler needs metrics-server', () => {
  const readme = readFileSync(fromRoot('k8s/README.md'), 'utf8');
  const aws = readme.slice(readme.indexOf('## AWS (EKS)'));
  assert.match(aws.slice(0, aws.indexOf('\n## ', 1)), /metrics-server/);
  assert.match(
    readFileSync(fromRoot(`${AWS_OVERLAY}/kustomization.yaml`), 'utf8'),
    /metrics-server/,
  );
});
