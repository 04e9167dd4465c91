/**
 * NetworkPolicy semantics for the tests: which Pods a selector picks, and whether a
 * connection from one workload's Pods to a port of another's is allowed.
 */
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ofKind, type Workload } from './kube.ts';
import type { KubeObject } from './render.ts';

export type LabelSelector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
};

/** Label-selector semantics for matchLabels plus In/NotIn/Exists/DoesNotExist expressions. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(
    ({ key, operator, values = [] }) => {
      if (operator === 'In') return values.includes(labels[key] ?? '');
      if (operator === 'NotIn') return !values.includes(labels[key] ?? '');
      if (operator === 'Exists') return key in labels;
      return !(key in labels);
    },
  );
  return byLabels && byExpressions;
}

/**
 * Whether Pods of `from` (in the same namespace) may open a TCP connection to the port named
 * `portName` of `to`'s Pods: yes when no policy isolates `to` for ingress, else only when an
 * ingress rule of a policy selecting `to` admits both the source and the port.
 */
export function ingressAllowed(
  objects: KubeObject[],
  from: Workload,
  to: Workload,
  portName: string,
): boolean {
  const port = to.pod.containers
    .flatMap((container) => container.ports ?? [])
    .find((candidate) => candidate.name === portName);
  if (!port) throw new Error(`${to.name} declares no port ${portName}`);
  const isolating = ofKind<INetworkPolicy>(objects, 'NetworkPolicy').filter(
    (policy) =>
      selects(policy.spec?.podSelector ?? {}, to.podLabels) &&
      (policy.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
  );
  if (isolating.length === 0) return true;
  return isolating.some((policy) =>
    (policy.spec?.ingress ?? []).some((rule) => {
      const fromOk =
        rule.from === undefined ||
        rule.from.some(
          (peer) =>
            peer.podSelector !== undefined &&
            peer.namespaceSelector === undefined &&
            selects(peer.podSelector, from.podLabels),
        );
      const portOk =
        rule.ports === undefined ||
        rule.ports.some(
          (allowed) =>
            (allowed.protocol ?? 'TCP') === 'TCP' &&
            (allowed.port === undefined ||
              allowed.port === portName ||
              allowed.port === port.containerPort),
        );
      return fromOk && portOk;
    }),
  );
}
