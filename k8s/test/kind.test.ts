/**
 * k8s/kind-cluster.yaml: a valid kind v1alpha4 Cluster shaped for this app (ingress-ready
 * control-plane on the host's 8080, two workers, a context Skaffold knows); ingress-nginx pinned.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { find, readText, readYaml, render, schemaErrors } from './support/kube.ts';
import { loadSkaffoldConfig } from './support/skaffold.ts';

const KIND_FILE = 'k8s/kind-cluster.yaml';

/**
 * kind's Cluster as a JSON Schema, transcribed from its Go types (pkg/apis/config/v1alpha4/
 * types.go in kubernetes-sigs/kind). kind decodes strictly: no object allows other fields.
 */
const object = (properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required && { required }),
});
const string = { type: 'string' };
const boolean = { type: 'boolean' };
const strings = { type: 'array', items: string };
const listOf = (items: unknown) => ({ type: 'array', items });
const port = { type: 'integer', minimum: -1, maximum: 65535 };
const patchFields = { group: string, version: string, kind: string, patch: string };
const patchesJson6902 = listOf(object(patchFields, Object.keys(patchFields)));
const kindClusterSchema = object(
  {
    kind: { const: 'Cluster' },
    apiVersion: { const: 'kind.x-k8s.io/v1alpha4' },
    name: string,
    nodes: listOf(
      object({
        role: { enum: ['control-plane', 'worker'] },
        image: string,
        labels: { type: 'object', additionalProperties: string },
        extraMounts: listOf(
          object({
            containerPath: string,
            hostPath: string,
            readOnly: boolean,
            selinuxRelabel: boolean,
            propagation: { enum: ['None', 'HostToContainer', 'Bidirectional'] },
          }),
        ),
        extraPortMappings: listOf(
          object({
            containerPort: port,
            hostPort: port,
            listenAddress: string,
            protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
          }),
        ),
        gpus: string,
        kubeadmConfigPatches: strings,
        kubeadmConfigPatchesJSON6902: patchesJson6902,
      }),
    ),
    networking: object({
      ipFamily: { enum: ['ipv4', 'ipv6', 'dual'] },
      apiServerPort: port,
      apiServerAddress: string,
      podSubnet: string,
      serviceSubnet: string,
      disableDefaultCNI: boolean,
      kubeProxyMode: { enum: ['iptables', 'ipvs', 'nftables', 'none'] },
      dnsSearch: strings,
    }),
    featureGates: { type: 'object', additionalProperties: boolean },
    runtimeConfig: { type: 'object', additionalProperties: string },
    kubeadmConfigPatches: strings,
    kubeadmConfigPatchesJSON6902: patchesJson6902,
    containerdConfigPatches: strings,
    containerdConfigPatchesJSON6902: strings,
  },
  ['kind', 'apiVersion'],
);

interface KindNode {
  role?: string;
  labels?: Record<string, string>;
  extraPortMappings?: Array<{ containerPort?: number; hostPort?: number; protocol?: string }>;
}
const cluster = readYaml(KIND_FILE) as { name?: string; nodes?: KindNode[] };
const nodes = cluster.nodes ?? [];
const errors = schemaErrors(kindClusterSchema);

describe('the kind cluster file', () => {
  test('is a valid kind.x-k8s.io/v1alpha4 Cluster', () => {
    assert.deepEqual(errors(cluster), []);
  });

  test('a misspelt or unknown field is rejected, as kind rejects it', () => {
    const broken = structuredClone(cluster);
    Object.assign(broken.nodes![0]!, { extraPortMapping: [] });
    assert.notDeepEqual(errors(broken), []);
    assert.notDeepEqual(errors({ ...cluster, apiVersion: 'kind.x-k8s.io/v1alpha3' }), []);
  });

  test('one control-plane, ready for ingress-nginx; no port of this machine mapped into it', () => {
    const planes = nodes.filter((node) => (node.role ?? 'control-plane') === 'control-plane');
    assert.equal(planes.length, 1);
    // The nodeSelector of ingress-nginx's kind manifest.
    assert.equal(planes[0]!.labels?.['ingress-ready'], 'true');
    // A mapped port listens on every interface unless told otherwise, and the development
    // provider signs anyone in as anyone: the way in is Skaffold's port-forward, on localhost
    // (skaffold.test.ts), as on minikube.
    for (const node of nodes) assert.deepEqual(node.extraPortMappings ?? [], []);
    assert.equal(loadSkaffoldConfig().portForward?.[0]?.address, 'localhost');
  });

  test('two workers, enough for task-service to spread and for a drain to move it', () => {
    const workers = nodes.filter((node) => node.role === 'worker');
    assert.equal(workers.length, 2);
    const service = find<IDeployment>(render('local'), 'Deployment', 'task-service').spec!;
    const replicas = service.replicas ?? 1;
    assert.ok(replicas >= 2 && replicas <= workers.length, `${replicas} replicas, one per worker`);
    const spread = service.template.spec?.topologySpreadConstraints ?? [];
    const keys = spread.map((constraint) => constraint.topologyKey);
    assert.ok(keys.includes('kubernetes.io/hostname'), 'spread across nodes');
    // A drain keeps one replica serving: overlays.test.ts's budgets allow one Pod down at a time.
  });

  test('its name gives the kube context kind-<name>, which Skaffold treats as a local kind cluster', () => {
    assert.match(cluster.name ?? '', /^[a-z0-9][a-z0-9-]*$/);
    // skaffold.test.ts resolves the configuration for that context.
    assert.equal(`kind-${cluster.name}`, 'kind-task-manager');
  });
});

test('the ingress-nginx for kind is pinned to one controller release, the same wherever named', () => {
  const sources = [KIND_FILE, 'k8s/README.md'];
  const manifest =
    /https:\/\/raw\.githubusercontent\.com\/kubernetes\/ingress-nginx\/([^/\s]+)\/deploy\/static\/provider\/kind\/deploy\.yaml/g;
  const versions = sources.flatMap((file) =>
    [...readText(file).matchAll(manifest)].map((m) => m[1]),
  );
  assert.ok(versions.length >= sources.length, 'named in the kind file and in k8s/README.md');
  assert.equal(new Set(versions).size, 1, versions.join(', '));
  assert.match(versions[0]!, /^controller-v\d+\.\d+\.\d+$/, 'a release tag, never main');
});
