/**
 * The manifests as each deployment renders them (`kubectl kustomize`, as Skaffold does), parsed,
 * with typed access to workloads, their Pods and containers, selectors and the settings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { Ajv, type AnySchema } from 'ajv';

export type { IContainer };

/** Every path in the manifests, skaffold.yaml and the tests is relative to the repository root. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const fromRoot = (...segments: string[]) => path.resolve(repoRoot, ...segments);
export const readText = (file: string) => readFileSync(fromRoot(file), 'utf8');
export const readYaml = (file: string) => parse(readText(file)) as unknown;
/** The root package.json version: the aws overlay's image tag, deployed without Skaffold. */
export const RELEASE = (readYaml('package.json') as { version: string }).version;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Every way the manifests are deployed: an overlay, or [an overlay, ...optional components]. */
export const VARIANTS = {
  local: 'k8s/overlays/local', // `skaffold run`: runtime images, LocalStack
  dev: 'k8s/overlays/dev', // `skaffold dev`: the dev targets with file sync
  aws: 'k8s/overlays/aws', // `skaffold render -p aws`: EKS with real DynamoDB
  'local+network-policies': ['k8s/overlays/local', 'k8s/components/network-policies'],
  // As the comment at the end of k8s/overlays/aws/kustomization.yaml says to enable them.
  'aws+network-policies': [
    'k8s/overlays/aws',
    'k8s/components/network-policies',
    'k8s/components/aws-load-balancer-source',
  ],
  'dev+tracing': 'k8s/overlays/dev-tracing', // `skaffold dev -p tracing`
  'local+tracing': ['k8s/overlays/local', 'k8s/components/tracing'],
  'local+network-policies+tracing': [
    'k8s/overlays/local',
    'k8s/components/network-policies',
    'k8s/components/tracing',
  ],
} as const;

export type Variant = keyof typeof VARIANTS;
export const ALL_VARIANTS = Object.keys(VARIANTS) as Variant[];
/** The overlay a variant is built on: its images and environment. */
export const overlayOf = (variant: Variant) => variant.split('+')[0] as 'local' | 'dev' | 'aws';
export const hasTracing = (variant: Variant) => variant.endsWith('+tracing');

/** `kubectl kustomize <dir>`, as Skaffold runs it, parsed. */
function kustomize(dir: string): KubeObject[] {
  const output = execFileSync(process.env.KUBECTL ?? 'kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 2 ** 24,
  });
  const documents = parseAllDocuments(output);
  for (const document of documents) if (document.errors[0]) throw document.errors[0];
  return documents.map((document) => document.toJS() as KubeObject).filter(Boolean);
}

/** Rendered once per directory or variant: the tests only read them. */
const rendered = new Map<string, KubeObject[]>();

/** A directory of the repository (relative to its root), rendered. */
export function renderDirectory(dir: string): KubeObject[] {
  if (!rendered.has(dir)) rendered.set(dir, kustomize(fromRoot(dir)));
  return rendered.get(dir)!;
}

/** A kustomization of a resource, components and other fields, written where Kustomize reads it. */
export function renderKustomization([resource, ...components]: readonly string[], fields = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kustomization-'));
  // Kustomize takes relative paths only.
  const relative = (file: string) => path.relative(dir, fromRoot(file));
  const kustomization = { resources: [relative(resource!)], components: components.map(relative) };
  writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ ...kustomization, ...fields }));
  try {
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

export function render(variant: Variant): KubeObject[] {
  const spec = VARIANTS[variant];
  if (typeof spec === 'string') return renderDirectory(spec);
  if (!rendered.has(variant)) rendered.set(variant, renderKustomization(spec));
  return rendered.get(variant)!;
}

export const objectName = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;
/** The sorted names of workloads, containers or anything else with a name. */
export const namesOf = (named: ReadonlyArray<{ name: string }>) =>
  named.map((item) => item.name).sort();

export function ofKind<T>(objects: KubeObject[], kind: string): Array<T & KubeObject> {
  return objects.filter((object) => object.kind === kind) as Array<T & KubeObject>;
}

export function find<T>(objects: KubeObject[], kind: string, name: string): T & KubeObject {
  const found = ofKind<T>(objects, kind).find((object) => object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered manifests`);
  return found;
}

/** A Deployment or CronJob: the only kinds that create Pods here. */
export interface Workload {
  kind: 'Deployment' | 'CronJob';
  name: string;
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

const OTHER_POD_KINDS = ['Pod', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'];

export function workloads(objects: KubeObject[]): Workload[] {
  const stray = objects.filter((object) => OTHER_POD_KINDS.includes(object.kind));
  if (stray.length > 0) throw new Error(`unexpected ${stray.map(objectName).join(', ')}`);
  return objects.flatMap((object): Workload[] => {
    const { kind, metadata } = object;
    if (kind !== 'Deployment' && kind !== 'CronJob') return [];
    const spec = (object as IDeployment | ICronJob).spec;
    const template =
      spec && 'jobTemplate' in spec ? spec.jobTemplate.spec?.template : spec?.template;
    if (!template?.spec) throw new Error(`${objectName(object)} has no Pod spec`);
    const replicas = spec && 'replicas' in spec ? spec.replicas : undefined;
    const podLabels = template.metadata?.labels ?? {};
    return [{ kind, name: metadata.name, replicas, podLabels, pod: template.spec, object }];
  });
}

export function workload(objects: KubeObject[], name: string): Workload {
  const found = workloads(objects).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no workload ${name}`);
  return found;
}

/** The container named after its workload (task-service/task-service): the program it runs. */
export function mainContainer(objects: KubeObject[], name: string): IContainer {
  const found = workload(objects, name).pod.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}/${name}`);
  return found;
}

export function containers(workload: Workload): ContainerRef[] {
  const refs = (list: IContainer[] = [], init: boolean) =>
    list.map((container) => ({
      workload,
      container,
      init,
      id: `${workload.name}/${container.name}`,
    }));
  return [...refs(workload.pod.initContainers, true), ...refs(workload.pod.containers, false)];
}

export const allContainers = (objects: KubeObject[]) => workloads(objects).flatMap(containers);

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Label-selector semantics: matchLabels plus In/NotIn/Exists/DoesNotExist expressions. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabels &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      if (operator === 'In') return values.includes(labels[key] ?? '');
      if (operator === 'NotIn') return !values.includes(labels[key] ?? '');
      return key in labels === (operator === 'Exists');
    })
  );
}

/** A Service's or Deployment's plain selector, which selects nothing when empty. */
export function matchesSelector(labels: Record<string, string>, selector?: Record<string, string>) {
  return Object.keys(selector ?? {}).length > 0 && selects({ matchLabels: selector }, labels);
}

/** The port of `containers` that a number or a name refers to, as Kubernetes resolves it. */
export const findPort = (containers: readonly IContainer[], port: number | string) =>
  containers
    .flatMap((container) => container.ports ?? [])
    .find((p) => (typeof port === 'number' ? p.containerPort : p.name) === port);

/** A container's port number, by the port's name. */
export const containerPort = (container: IContainer, name: string) =>
  container.ports?.find((port) => port.name === name)?.containerPort;

/** Where a Service's port (by number or name) leads: the one workload it selects, and its port. */
export function serviceBackend(objects: KubeObject[], name: string, port: number | string) {
  const service = find<IService>(objects, 'Service', name);
  const servicePort = service.spec?.ports?.find((p) =>
    typeof port === 'number' ? p.port === port : p.name === port,
  );
  if (!servicePort) throw new Error(`Service/${name} has no port ${port}`);
  const selected = workloads(objects).filter((w) =>
    matchesSelector(w.podLabels, service.spec?.selector),
  );
  if (selected.length !== 1)
    throw new Error(`Service/${name} selects ${selected.length} workloads`);
  const target = servicePort.targetPort ?? servicePort.port;
  return {
    workload: selected[0]!.name,
    port: servicePort.port,
    containerPort: findPort(selected[0]!.pod.containers, target)?.containerPort,
  };
}

export const ingress = (objects: KubeObject[]) =>
  find<IIngress>(objects, 'Ingress', 'task-manager');
export const ingressPaths = (objects: KubeObject[]) =>
  (ingress(objects).spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);

/** Where the Ingress sends `path`: ingress-nginx's longest whole-segment Prefix match. */
export function ingressRoute(objects: KubeObject[], path: string) {
  const matching = ingressPaths(objects).filter((candidate) => {
    if (candidate.pathType !== 'Prefix')
      throw new Error(`${candidate.path}: only Prefix paths here`);
    const prefix = candidate.path!.replace(/\/$/, '');
    return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
  });
  const best = matching.sort((a, b) => b.path!.length - a.path!.length)[0];
  return best && { service: best.backend.service!.name, port: best.backend.service!.port!.name };
}

/**
 * Whether Pods of `from` (same namespace) may open a TCP connection to `to`'s port `name`: yes
 * when no policy isolates `to` for ingress, else when a rule of one that does admits both.
 */
export function ingressAllowed(objects: KubeObject[], from: Workload, to: Workload, name: string) {
  const port = findPort(to.pod.containers, name);
  if (!port) throw new Error(`${to.name} declares no port ${name}`);
  const admitsSource = ({ podSelector, namespaceSelector }: INetworkPolicyPeer) =>
    !!podSelector && !namespaceSelector && selects(podSelector, from.podLabels);
  const admitsPort = (allowed: INetworkPolicyPort) =>
    (allowed.protocol ?? 'TCP') === 'TCP' &&
    [undefined, name, port.containerPort].includes(allowed.port);
  const isolating = ofKind<INetworkPolicy>(objects, 'NetworkPolicy')
    .map((policy) => policy.spec ?? {})
    .filter((spec) => selects(spec.podSelector ?? {}, to.podLabels))
    .filter((spec) => (spec.policyTypes ?? ['Ingress']).includes('Ingress'));
  return (
    isolating.length === 0 ||
    isolating.some((spec) =>
      (spec.ingress ?? []).some(
        (rule) => (rule.from?.some(admitsSource) ?? true) && (rule.ports?.some(admitsPort) ?? true),
      ),
    )
  );
}

/** The ConfigMap the apps read their settings from, as its generator names it. */
export const APP_CONFIG = 'task-manager-config';

/** Kustomize's generated-name suffix: ten hash characters, vowels and look-alikes left out. */
const HASH_SUFFIX = /-[bcdfghkmt2-9]{10}$/;

export const generatedName = (name: string) => new RegExp(`^${name}${HASH_SUFFIX.source}`);

/** The ConfigMaps Kustomize generated from `name` (<name>-<hash>). */
export const generatedConfigMaps = (objects: KubeObject[], name: string) =>
  ofKind<IConfigMap>(objects, 'ConfigMap').filter((c) => generatedName(name).test(c.metadata.name));

/** The one ConfigMap the apps read their settings from (task-manager-config-<hash>). */
export function appConfigMap(objects: KubeObject[]): IConfigMap & KubeObject {
  const found = generatedConfigMaps(objects, APP_CONFIG);
  if (found.length !== 1) throw new Error(`${found.length} ConfigMaps ${APP_CONFIG}-<hash>`);
  return found[0]!;
}

export const appConfig = (objects: KubeObject[]) => appConfigMap(objects).data ?? {};

/** The objects with generated ConfigMap names put back to the generator's, for comparisons. */
export function withoutConfigHash(objects: KubeObject[]): KubeObject[] {
  let text = JSON.stringify(objects);
  for (const { metadata } of ofKind(objects, 'ConfigMap')) {
    text = text.replaceAll(metadata.name, metadata.name.replace(HASH_SUFFIX, ''));
  }
  return JSON.parse(text) as KubeObject[];
}

const UNITS: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
for (const [i, unit] of ['Ki', 'Mi', 'Gi', 'Ti'].entries()) UNITS[unit] = 2 ** (10 * (i + 1));

/** A Kubernetes quantity in base units (cores for CPU, bytes for memory). */
export function parseQuantity(quantity: string | number): number {
  if (typeof quantity === 'number') return quantity;
  const [, amount, suffix = ''] = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(quantity) ?? [];
  const factor = UNITS[suffix];
  if (amount === undefined || factor === undefined) throw new Error(`not a quantity: ${quantity}`);
  return Number(amount) * factor;
}

/** A strict JSON Schema check (extra annotation keywords declared), returning its errors. */
export function schemaErrors(schema: AnySchema, keywords: string[] = []) {
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const keyword of keywords) ajv.addKeyword(keyword);
  const validate = ajv.compile(schema);
  return (value: unknown) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
