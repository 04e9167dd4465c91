/**
 * What a container's environment really contains once the kubelet has resolved it: literal
 * values, ConfigMap keys (an optional reference to a missing key sets nothing), envFrom, the
 * Downward API, and $(NAME) references to variables defined earlier, which the kubelet
 * substitutes (a reference to anything else stays as it is: a mistake, reported here), and
 * which variables come from Secrets (created in the cluster, never in the manifests).
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from './kube.ts';
import type { KubeObject } from './render.ts';

export interface SecretRef {
  variable: string;
  secret: string;
  key: string;
  optional: boolean;
}

export interface ResolvedEnv {
  /** Variables the container will have, with their values where the manifests know them. */
  values: Map<string, string>;
  /** Variables that come from a Secret the user creates (value unknown here). */
  fromSecrets: Set<string>;
  /** Variables the Downward API sets, by field (metadata.name...); their value stands in as <field>. */
  fromPod: Map<string, string>;
  /** Variables whose value refers to others with $(NAME), and the names it refers to. */
  references: Map<string, string[]>;
  /** Those references themselves: which Secret and key each variable is read from. */
  secretRefs: SecretRef[];
  /** References the kubelet could not resolve: the container would not start. */
  problems: string[];
}

function configMapData(objects: KubeObject[], name: string): Record<string, string> | undefined {
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as
    (IConfigMap & KubeObject) | undefined;
  return configMap ? (configMap.data ?? {}) : undefined;
}

export function resolveEnv(container: IContainer, objects: KubeObject[]): ResolvedEnv {
  const resolved: ResolvedEnv = {
    values: new Map(),
    fromSecrets: new Set(),
    fromPod: new Map(),
    references: new Map(),
    secretRefs: [],
    problems: [],
  };
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) {
      resolved.problems.push(`${container.name}: only envFrom.configMapRef is expected`);
      continue;
    }
    const data = configMapData(objects, name);
    if (!data) {
      if (!source.configMapRef?.optional) resolved.problems.push(`missing ConfigMap ${name}`);
      continue;
    }
    for (const [key, value] of Object.entries(data)) {
      resolved.values.set(`${source.prefix ?? ''}${key}`, value);
    }
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) {
      const referenced = [...entry.value.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map(
        (match) => match[1]!,
      );
      if (referenced.length > 0) resolved.references.set(entry.name, referenced);
      const value = entry.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (text, name: string) => {
        const known = resolved.values.get(name);
        if (known !== undefined) return known;
        resolved.problems.push(`${entry.name}: $(${name}) is not defined before it`);
        return text;
      });
      resolved.values.set(entry.name, value);
      continue;
    }
    const field =
      entry.valueFrom?.fieldRef?.fieldPath ?? entry.valueFrom?.resourceFieldRef?.resource;
    if (field !== undefined) {
      resolved.fromPod.set(entry.name, field);
      resolved.values.set(entry.name, `<${field}>`);
      continue;
    }
    const configMapRef = entry.valueFrom?.configMapKeyRef;
    const secretRef = entry.valueFrom?.secretKeyRef;
    if (configMapRef) {
      const data = configMapData(objects, configMapRef.name ?? '');
      const value = data?.[configMapRef.key];
      if (value !== undefined) resolved.values.set(entry.name, value);
      else if (!configMapRef.optional) {
        resolved.problems.push(
          `${entry.name}: ConfigMap ${configMapRef.name} has no key ${configMapRef.key}`,
        );
      }
    } else if (secretRef) {
      // Not a problem in itself: the Secret is made in the cluster (which ones, and how, is
      // checked by the tests of sign-in).
      resolved.fromSecrets.add(entry.name);
      resolved.secretRefs.push({
        variable: entry.name,
        secret: secretRef.name ?? '',
        key: secretRef.key,
        optional: secretRef.optional === true,
      });
    } else {
      resolved.problems.push(
        `${entry.name}: neither a value, a ConfigMap/Secret reference nor the Downward API`,
      );
    }
  }
  return resolved;
}
