/**
 * What a local cluster must hold for the app: the CPU and memory the rendered manifests request
 * at their peak — every replica, one more Pod of each Deployment during a rolling update
 * (maxSurge), the report Job running — plus what runs beside them and requests resources too.
 * k8s/README.md's `minikube start` flags are checked against this (cluster-size.test.ts).
 */
import { parseQuantity } from './quantity.ts';
import { containers, workloads, type Workload } from './kube.ts';
import type { KubeObject } from './render.ts';

export interface Resources {
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

const MI = 2 ** 20;
const GI = 2 ** 30;

/**
 * Requests of what minikube runs besides the app (`kubectl describe node` on minikube v1.35):
 * kube-apiserver 250m, kube-controller-manager 200m, kube-scheduler 100m, etcd 100m/100Mi and
 * CoreDNS 100m/70Mi; kube-proxy and the storage provisioner request nothing.
 */
export const SYSTEM_PODS: Resources = { cpu: 0.75, memory: 170 * MI };

/** The ingress-nginx controller of minikube's ingress addon (and of its kind manifest). */
export const INGRESS_CONTROLLER: Resources = { cpu: 0.1, memory: 90 * MI };

/** calico-node, for `minikube start --cni=calico` (NetworkPolicies). */
export const CALICO: Resources = { cpu: 0.25, memory: 0 };

/**
 * Memory no Pod requests but the node needs: the kubelet, the container runtime and the OS,
 * and the image builds `skaffold dev` runs in minikube's Docker daemon (npm ci, tsc, Vite).
 * CPU needs no such reserve: it is shared, and a build only runs slower.
 */
export const NODE_HEADROOM: Resources = { cpu: 0, memory: 2 * GI };

/** Each further kind node (a worker) runs its own kubelet and containerd. */
export const KIND_NODE_OVERHEAD: Resources = { cpu: 0, memory: 512 * MI };

function request(workload: Workload, init: boolean, resource: keyof Resources): number[] {
  return containers(workload)
    .filter((ref) => ref.init === init)
    .map((ref) => parseQuantity(ref.container.resources?.requests?.[resource] ?? '0'));
}

/** A Pod's effective request: its containers together, or its largest init container. */
export function podRequests(workload: Workload): Resources {
  const of = (resource: keyof Resources) =>
    Math.max(
      request(workload, false, resource).reduce((a, b) => a + b, 0),
      ...request(workload, true, resource),
    );
  return { cpu: of('cpu'), memory: of('memory') };
}

/** How many Pods of a workload can exist at once: replicas plus the rolling update's surge. */
export function peakPods(workload: Workload): number {
  if (workload.kind === 'CronJob') return 1; // concurrencyPolicy: Forbid
  const spec = (
    workload.object as {
      spec?: { strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string } } };
    }
  ).spec;
  const replicas = workload.replicas ?? 1;
  if (spec?.strategy?.type === 'Recreate') return replicas;
  const surge = spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof surge === 'number') return replicas + surge;
  return replicas + Math.ceil((replicas * Number.parseInt(surge, 10)) / 100);
}

/** The app's requests at their peak, Pod by Pod. */
export function appRequests(objects: KubeObject[]): Resources {
  const total: Resources = { cpu: 0, memory: 0 };
  for (const workload of workloads(objects)) {
    const pod = podRequests(workload);
    const count = peakPods(workload);
    total.cpu += pod.cpu * count;
    total.memory += pod.memory * count;
  }
  return total;
}

export function sum(...parts: Resources[]): Resources {
  return parts.reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), {
    cpu: 0,
    memory: 0,
  });
}

/** Whole CPUs and whole GiB, as `minikube start --cpus=N --memory=Ng` takes them. */
export function minikubeFlags(needed: Resources): { cpus: number; memoryGiB: number } {
  return { cpus: Math.ceil(needed.cpu), memoryGiB: Math.ceil(needed.memory / GI) };
}

export const mebibytes = (bytes: number) => Math.round(bytes / MI);
