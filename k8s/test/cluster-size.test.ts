/**
 * The documented `minikube start` flags hold the manifests' peak requests (every replica, a
 * rollout's surge, the report Job) plus what runs beside them; a raised request fails here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import * as k from './support/kube.ts';

/** Cores and bytes. */
type Resources = { cpu: number; memory: number };
const MI = 2 ** 20;
const GI = 2 ** 30;

/**
 * Requests of what minikube runs besides the app (`kubectl describe node` on minikube v1.35):
 * kube-apiserver 250m, kube-controller-manager 200m, kube-scheduler 100m, etcd 100m/100Mi and
 * CoreDNS 100m/70Mi; kube-proxy and the storage provisioner request nothing.
 */
const SYSTEM_PODS = { cpu: 0.75, memory: 170 * MI };
/** The ingress-nginx controller of minikube's ingress addon (and of its kind manifest). */
const INGRESS_CONTROLLER = { cpu: 0.1, memory: 90 * MI };
/** calico-node, for `minikube start --cni=calico` (NetworkPolicies). */
const CALICO = { cpu: 0.25, memory: 0 };
/**
 * Memory no Pod requests but the node needs (kubelet, container runtime, OS, and the image
 * builds `skaffold dev` runs in minikube's Docker daemon). CPU is shared: a build only runs slower.
 */
const NODE_HEADROOM = { cpu: 0, memory: 2 * GI };
/** Each further kind node (a worker) runs its own kubelet and containerd. */
const KIND_NODE_OVERHEAD = { cpu: 0, memory: 512 * MI };

const sum = (...parts: Resources[]) =>
  parts.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }));
const atLeast = (...parts: Resources[]) =>
  parts.reduce((a, b) => ({ cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory) }));

/** A Pod's effective request: its containers together, or its largest init container. */
function podRequests(workload: k.Workload): Resources {
  const of = (resource: keyof Resources, init: boolean) =>
    k
      .containers(workload)
      .filter((ref) => ref.init === init)
      .map((ref) => k.parseQuantity(ref.container.resources?.requests?.[resource] ?? '0'));
  const total = (resource: keyof Resources) =>
    Math.max(
      of(resource, false).reduce((a, b) => a + b, 0),
      ...of(resource, true),
    );
  return { cpu: total('cpu'), memory: total('memory') };
}

/** How many Pods of a workload can exist at once: replicas plus the rolling update's surge. */
function peakPods(workload: k.Workload): number {
  if (workload.kind === 'CronJob') return 1; // concurrencyPolicy: Forbid
  const strategy = (workload.object as IDeployment).spec?.strategy;
  const replicas = workload.replicas ?? 1;
  if (strategy?.type === 'Recreate') return replicas;
  const surge = strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof surge === 'number') return replicas + surge;
  return replicas + Math.ceil((replicas * Number.parseInt(surge, 10)) / 100);
}

/** The app's requests at their peak, Pod by Pod. */
const appRequests = (objects: k.KubeObject[]) =>
  sum(
    { cpu: 0, memory: 0 },
    ...k.workloads(objects).map((w) => {
      const { cpu, memory } = podRequests(w);
      return { cpu: cpu * peakPods(w), memory: memory * peakPods(w) };
    }),
  );

/** `skaffold dev` is the heaviest (dev images), with Jaeger when traced; `skaffold run` fits. */
const app = () =>
  atLeast(...(['dev', 'dev+tracing', 'local'] as k.Variant[]).map((v) => appRequests(k.render(v))));
/** What runs beside the app on the node, and the headroom it needs. */
const BESIDE_APP = sum(SYSTEM_PODS, INGRESS_CONTROLLER, NODE_HEADROOM);
/** The whole node; with Calico, `skaffold run` of the NetworkPolicies variant must fit as well. */
const needed = (calico = false) =>
  calico
    ? sum(atLeast(app(), appRequests(k.render('local+network-policies'))), BESIDE_APP, CALICO)
    : sum(app(), BESIDE_APP);

/** Whole CPUs and whole GiB, as `minikube start --cpus=N --memory=Ng` takes them. */
const minikubeFlags = ({ cpu, memory }: Resources) => ({
  cpus: Math.ceil(cpu),
  memoryGiB: Math.ceil(memory / GI),
});

/** minikube's --memory: a number of MB, or with a unit (4g, 4096m, 4gb). */
function memoryMiB(value: string): number {
  const match = /^(\d+)\s*([mg]?)b?$/i.exec(value);
  if (!match) throw new Error(`cannot read --memory=${value}`);
  return Number(match[1]) * (match[2]?.toLowerCase() === 'g' ? 1024 : 1);
}

test('each Pod counts its largest init container or its containers, whichever is more', () => {
  // dev: create-tables 50m/64Mi, task-service 100m/192Mi.
  const service = k.workload(k.render('dev'), 'task-service');
  assert.deepEqual(podRequests(service), { cpu: 0.1, memory: 192 * MI });
  assert.equal(peakPods(service), 3, 'two replicas and one more during a rollout');
  assert.equal(peakPods(k.workload(k.render('dev'), 'localstack')), 1, 'Recreate: never two');
});

test('the documentation states the computed requests', () => {
  const readme = k.readText('k8s/README.md');
  for (const [what, { cpu, memory }] of Object.entries({ app: app(), total: needed() })) {
    const figures = `${Math.round(cpu * 1000)}m CPU, ${Math.round(memory / MI)} MiB`;
    assert.ok(readme.includes(figures), `k8s/README.md states ${what}: ${figures}`);
  }
});

test('every documented `minikube start` gives at least the CPUs and memory computed', () => {
  const commands = ['README.md', 'k8s/README.md'].flatMap((file) =>
    k
      .readText(file)
      .split('\n')
      // Commands only (`minikube start` followed by its flags or the end of the command).
      .filter((line) => /(^|\s)minikube start(\s+--|\s*$|\s*&&)/.test(line))
      .map((line) => ({ where: `${file}: ${line.trim()}`, line })),
  );
  assert.ok(commands.length >= 3, commands.map((c) => c.where).join('\n'));
  for (const { where, line } of commands) {
    const flag = (name: string) => new RegExp(`--${name}[= ]([\\w.]+)`).exec(line)?.[1];
    const { cpus, memoryGiB } = minikubeFlags(needed(/--cni[= ]calico\b/.test(line)));
    assert.ok(Number(flag('cpus') ?? 0) >= cpus, `${where}: needs --cpus=${cpus}`);
    assert.ok(
      memoryMiB(flag('memory') ?? '0') >= memoryGiB * 1024,
      `${where}: needs --memory=${memoryGiB}g`,
    );
  }
});

test('the memory documented for Docker under kind covers the app, its three nodes and headroom', () => {
  const stated = /With kind\b[\s\S]{0,400}?at least (\d+) GiB of memory/.exec(
    k.readText('k8s/README.md'),
  );
  assert.ok(stated, 'k8s/README.md: "at least N GiB of memory" for kind');
  const { memoryGiB } = minikubeFlags(sum(needed(), KIND_NODE_OVERHEAD, KIND_NODE_OVERHEAD));
  assert.ok(Number(stated[1]) >= memoryGiB, `needs ${memoryGiB} GiB`);
});

test('the flags parser reads what minikube accepts', () => {
  assert.deepEqual(['4g', '6gb', '4096', '4096mb'].map(memoryMiB), [4096, 6144, 4096, 4096]);
});
