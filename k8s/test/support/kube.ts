/** Typed access to the rendered objects: workloads, their Pods and containers, and lookups. */
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { KubeObject } from './render.ts';

export type { IContainer, IPodSpec };

/** Kinds that create Pods. Any other Pod-creating kind in the manifests is a test failure. */
export const WORKLOAD_KINDS = ['Deployment', 'CronJob'] as const;
const POD_KINDS = ['Pod', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'];

export interface Workload {
  kind: (typeof WORKLOAD_KINDS)[number];
  name: string;
  /** Deployments serve continuously (probes apply); CronJob Pods run to completion. */
  longRunning: boolean;
  replicas: number | undefined;
  podLabels: Record<string, string>;
  pod: IPodSpec;
  object: KubeObject;
}

export interface ContainerRef {
  workload: Workload;
  container: IContainer;
  init: boolean;
  /** "<workload>/<container>", for messages and exception lists. */
  id: string;
}

export function ofKind<T>(objects: KubeObject[], kind: string): Array<T & KubeObject> {
  return objects.filter((object) => object.kind === kind) as Array<T & KubeObject>;
}

export function find<T>(objects: KubeObject[], kind: string, name: string): T & KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered manifests`);
  return found as T & KubeObject;
}

export function workloads(objects: KubeObject[]): Workload[] {
  const stray = objects.filter((object) => POD_KINDS.includes(object.kind));
  if (stray.length > 0) {
    throw new Error(`unexpected Pod-creating objects: ${stray.map((o) => o.kind).join(', ')}`);
  }
  const result: Workload[] = [];
  for (const object of objects) {
    if (object.kind === 'Deployment') {
      const deployment = object as IDeployment & KubeObject;
      const template = deployment.spec?.template;
      if (!template?.spec) throw new Error(`Deployment/${object.metadata.name} has no Pod spec`);
      result.push({
        kind: 'Deployment',
        name: object.metadata.name,
        longRunning: true,
        replicas: deployment.spec?.replicas,
        podLabels: template.metadata?.labels ?? {},
        pod: template.spec,
        object,
      });
    } else if (object.kind === 'CronJob') {
      const cronJob = object as ICronJob & KubeObject;
      const template = cronJob.spec?.jobTemplate.spec?.template;
      if (!template?.spec) throw new Error(`CronJob/${object.metadata.name} has no Pod spec`);
      result.push({
        kind: 'CronJob',
        name: object.metadata.name,
        longRunning: false,
        replicas: undefined,
        podLabels: template.metadata?.labels ?? {},
        pod: template.spec,
        object,
      });
    }
  }
  return result;
}

export function containers(workload: Workload): ContainerRef[] {
  const refs = (list: IContainer[] | undefined, init: boolean): ContainerRef[] =>
    (list ?? []).map((container) => ({
      workload,
      container,
      init,
      id: `${workload.name}/${container.name}`,
    }));
  return [...refs(workload.pod.initContainers, true), ...refs(workload.pod.containers, false)];
}

export function allContainers(objects: KubeObject[]): ContainerRef[] {
  return workloads(objects).flatMap(containers);
}

export function matchesSelector(
  labels: Record<string, string>,
  selector: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The ConfigMap the apps read their settings from, as its generator names it. */
export const APP_CONFIG = 'task-manager-config';

/** Kustomize's hash suffix on a generated ConfigMap's name. */
const HASH_SUFFIX = /-[bcdfghkmt2-9]{10}$/;

/**
 * Kustomize's name for a generated ConfigMap: the generator's name, a dash and ten characters
 * of a hash of its data (in Kustomize's alphabet, which leaves out vowels and look-alikes).
 */
export function generatedName(name: string): RegExp {
  return new RegExp(`^${name}${HASH_SUFFIX.source}`);
}

/** The one ConfigMap the apps read their settings from (task-manager-config-<hash>). */
export function appConfigMap(objects: KubeObject[]): IConfigMap & KubeObject {
  const pattern = generatedName(APP_CONFIG);
  const found = ofKind<IConfigMap>(objects, 'ConfigMap').filter((o) =>
    pattern.test(o.metadata.name),
  );
  if (found.length !== 1)
    throw new Error(`expected one ConfigMap ${APP_CONFIG}-<hash>, found ${found.length}`);
  return found[0]!;
}

/** The data of the one ConfigMap the apps read their settings from. */
export function appConfig(objects: KubeObject[]): Record<string, string> {
  return appConfigMap(objects).data ?? {};
}

/**
 * The objects with every generated ConfigMap's hashed name put back to its generator's name,
 * for comparing two variants whose data (and so hashes) differ, or listing objects by name.
 */
export function withoutConfigHash(objects: KubeObject[]): KubeObject[] {
  let text = JSON.stringify(objects);
  for (const { metadata } of ofKind<IConfigMap>(objects, 'ConfigMap')) {
    if (HASH_SUFFIX.test(metadata.name)) {
      text = text.replaceAll(metadata.name, metadata.name.replace(HASH_SUFFIX, ''));
    }
  }
  return JSON.parse(text) as KubeObject[];
}
