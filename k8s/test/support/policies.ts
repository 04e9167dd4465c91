/**
 * Rules every rendered workload must follow. Each returns the list of violations (empty when
 * the rule holds), so a failing test names exactly what is wrong and where.
 */
import type { ContainerRef, Workload } from './kube.ts';
import { parseQuantity } from './quantity.ts';

/** A documented exception to the strict security settings, for one container. */
export interface Relaxation {
  /** "<workload>/<container>" */
  container: string;
  setting: 'runAsNonRoot' | 'readOnlyRootFilesystem';
  reason: string;
}

export function isRelaxed(
  ref: ContainerRef,
  setting: Relaxation['setting'],
  relaxations: readonly Relaxation[],
): boolean {
  return relaxations.some((r) => r.container === ref.id && r.setting === setting);
}

/** Container settings with the Pod's securityContext as the fallback, as the kubelet applies them. */
export function effectiveSecurity(ref: ContainerRef) {
  const pod = ref.workload.pod.securityContext ?? {};
  const own = ref.container.securityContext ?? {};
  return {
    runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot,
    runAsUser: own.runAsUser ?? pod.runAsUser,
    runAsGroup: own.runAsGroup ?? pod.runAsGroup,
    seccomp: own.seccompProfile?.type ?? pod.seccompProfile?.type,
    allowPrivilegeEscalation: own.allowPrivilegeEscalation,
    privileged: own.privileged,
    readOnlyRootFilesystem: own.readOnlyRootFilesystem,
    drop: own.capabilities?.drop ?? [],
    add: own.capabilities?.add ?? [],
  };
}

export function containerSecurityViolations(
  ref: ContainerRef,
  relaxations: readonly Relaxation[],
): string[] {
  const s = effectiveSecurity(ref);
  const problems: string[] = [];
  if (!isRelaxed(ref, 'runAsNonRoot', relaxations)) {
    if (s.runAsNonRoot !== true) problems.push('runAsNonRoot is not true');
    // runAsNonRoot can only be verified against a numeric user.
    if (!s.runAsUser) problems.push('runAsUser is not a non-zero uid');
    if (!s.runAsGroup) problems.push('runAsGroup is not a non-zero gid');
  }
  if (s.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
  if (s.privileged === true) problems.push('privileged');
  if (!s.drop.includes('ALL')) problems.push('capabilities do not drop ALL');
  if (s.add.length > 0) problems.push(`capabilities added: ${s.add.join(', ')}`);
  if (s.seccomp !== 'RuntimeDefault') problems.push('seccompProfile is not RuntimeDefault');
  if (!isRelaxed(ref, 'readOnlyRootFilesystem', relaxations)) {
    if (s.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem is not true');
    else if (!writableTmp(ref)) problems.push('read-only root filesystem without an emptyDir /tmp');
  }
  return problems.map((problem) => `${ref.id}: ${problem}`);
}

function writableTmp(ref: ContainerRef): boolean {
  const mount = ref.container.volumeMounts?.find((m) => m.mountPath === '/tmp');
  if (!mount || mount.readOnly) return false;
  const volume = ref.workload.pod.volumes?.find((v) => v.name === mount.name);
  return volume?.emptyDir !== undefined;
}

export function podSecurityViolations(workload: Workload): string[] {
  const pod = workload.pod;
  const problems: string[] = [];
  if (pod.automountServiceAccountToken !== false) {
    problems.push('automountServiceAccountToken is not false');
  }
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('shares a host namespace');
  for (const volume of pod.volumes ?? []) {
    if (volume.hostPath) problems.push(`hostPath volume ${volume.name}`);
    if (volume.emptyDir && volume.emptyDir.sizeLimit === undefined) {
      problems.push(`emptyDir ${volume.name} has no sizeLimit`);
    }
  }
  return problems.map((problem) => `${workload.kind}/${workload.name}: ${problem}`);
}

export function resourceViolations(ref: ContainerRef): string[] {
  const { requests = {}, limits = {} } = ref.container.resources ?? {};
  const problems: string[] = [];
  for (const resource of ['cpu', 'memory']) {
    const request = requests[resource];
    const limit = limits[resource];
    if (request === undefined) problems.push(`no ${resource} request`);
    if (limit === undefined) problems.push(`no ${resource} limit`);
    if (request !== undefined && limit !== undefined) {
      if (parseQuantity(request) > parseQuantity(limit)) {
        problems.push(`${resource} request ${request} exceeds its limit ${limit}`);
      }
    }
  }
  return problems.map((problem) => `${ref.id}: ${problem}`);
}

/** An image reference without its tag or digest: the repository Skaffold matches artifacts by. */
export function imageName(image: string): string {
  return image.split('@')[0]!.replace(/:[^/:]+$/, '');
}

/**
 * Images built by Skaffold appear under their bare artifact name (Skaffold substitutes the
 * tag it built) or, where the manifests must also work without Skaffold, tagged with the
 * release (`releaseTag`); anything else must be pinned to a version tag or a digest.
 */
export function imageViolations(
  ref: ContainerRef,
  artifacts: readonly string[],
  releaseTag?: string,
): string[] {
  const image = ref.container.image ?? '';
  const problems: string[] = [];
  const name = imageName(image);
  if (artifacts.includes(name)) {
    if (releaseTag === undefined && image !== name) {
      problems.push(`artifact image ${image} must carry no tag or digest`);
    }
    if (releaseTag !== undefined && image !== `${name}:${releaseTag}`) {
      problems.push(`artifact image ${image} must be tagged with the release ${releaseTag}`);
    }
    if (ref.container.imagePullPolicy === 'Always') {
      problems.push('imagePullPolicy Always cannot find images built into the cluster');
    }
  } else {
    const tag = /:([^/:@]+)$/.exec(image.split('@')[0]!)?.[1];
    const pinned =
      image.includes('@sha256:') || (tag !== undefined && /^v?\d+(\.\d+){1,2}/.test(tag));
    if (!pinned) problems.push(`third-party image ${image} is not pinned to a version or digest`);
  }
  if (/:latest(@|$)/.test(image)) problems.push(`${image} uses :latest`);
  return problems.map((problem) => `${ref.id}: ${problem}`);
}

/** Readiness and liveness on every long-running container, pointing at a port it declares. */
export function probeViolations(ref: ContainerRef, requireStartup: boolean): string[] {
  const { container } = ref;
  const problems: string[] = [];
  const probes = {
    startupProbe: container.startupProbe,
    readinessProbe: container.readinessProbe,
    livenessProbe: container.livenessProbe,
  };
  if (!probes.readinessProbe) problems.push('no readinessProbe');
  if (!probes.livenessProbe) problems.push('no livenessProbe');
  if (requireStartup && !probes.startupProbe) problems.push('no startupProbe');
  for (const [kind, probe] of Object.entries(probes)) {
    if (!probe) continue;
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
    if (port === undefined) {
      problems.push(`${kind} is not an HTTP, TCP or gRPC check`);
      continue;
    }
    const declared = (container.ports ?? []).some((p) =>
      typeof port === 'number' ? p.containerPort === port : p.name === port,
    );
    if (!declared)
      problems.push(`${kind} checks port ${port}, which the container does not declare`);
    const period = probe.periodSeconds ?? 10;
    const timeout = probe.timeoutSeconds ?? 1;
    if (timeout >= period && kind !== 'startupProbe') {
      problems.push(`${kind} timeoutSeconds ${timeout} is not below periodSeconds ${period}`);
    }
  }
  const budget = (p: typeof container.livenessProbe) =>
    (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3);
  if (probes.livenessProbe && probes.readinessProbe) {
    if (budget(probes.livenessProbe) <= budget(probes.readinessProbe)) {
      problems.push('livenessProbe would fail as soon as readinessProbe (restart before unready)');
    }
  }
  return problems.map((problem) => `${ref.id}: ${problem}`);
}
