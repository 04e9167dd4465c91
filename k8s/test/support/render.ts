/**
 * Renders kustomizations exactly as Skaffold does on a developer's machine (`kubectl kustomize`,
 * the Kustomize built into kubectl), and parses the result into plain objects.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { fromRoot } from './paths.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any rendered Kubernetes object; narrow it with the typed helpers in kube.ts. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Every way the manifests are deployed, by the kustomization that produces it. */
export const VARIANTS = {
  /** `skaffold run`: runtime images on minikube, LocalStack. */
  local: 'k8s/overlays/local',
  /** `skaffold dev`: the images' dev targets with file sync. */
  dev: 'k8s/overlays/dev',
  /** `skaffold render -p aws`: EKS with real DynamoDB. */
  aws: 'k8s/overlays/aws',
  /** The optional NetworkPolicy component on top of each overlay. */
  'local+network-policies': 'k8s/test/fixtures/local-with-network-policies',
  'aws+network-policies': 'k8s/test/fixtures/aws-with-network-policies',
  /** `skaffold dev -p tracing`: dev with the optional tracing component (Jaeger). */
  'dev+tracing': 'k8s/overlays/dev-tracing',
  'local+tracing': 'k8s/test/fixtures/local-with-tracing',
  'local+network-policies+tracing': 'k8s/test/fixtures/local-with-network-policies-and-tracing',
} as const;

export type Variant = keyof typeof VARIANTS;

/** The overlay a variant is built on: its images and environment. */
export function overlayOf(variant: Variant): 'local' | 'dev' | 'aws' {
  return variant.split('+')[0] as 'local' | 'dev' | 'aws';
}

/** Whether a variant includes the tracing component (Jaeger, OTEL_* on the apps). */
export function hasTracing(variant: Variant): boolean {
  return variant.split('+').includes('tracing');
}

export const ALL_VARIANTS = Object.keys(VARIANTS) as Variant[];

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const rendered = new Map<string, KubeObject[]>();

/** `kubectl kustomize <dir>` (dir relative to the repository root), parsed. Cached per directory. */
export function renderDirectory(dir: string): KubeObject[] {
  const cached = rendered.get(dir);
  if (cached) return cached;
  let output: string;
  try {
    output = execFileSync(KUBECTL, ['kustomize', fromRoot(dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${KUBECTL} not found: the manifest tests render with \`kubectl kustomize\``);
    }
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr || String(error)}`);
  }
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(output)) {
    if (document.errors.length > 0) {
      throw new Error(`${dir}: invalid YAML from kustomize: ${document.errors[0]!.message}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as KubeObject);
  }
  rendered.set(dir, objects);
  return objects;
}

export function render(variant: Variant): KubeObject[] {
  return renderDirectory(VARIANTS[variant]);
}

export function objectName(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}
