/** Rules every rendered workload must follow; each returns its violations, naming where. */
import {
  findPort,
  parseQuantity,
  type ContainerRef,
  type IContainer,
  type Workload,
} from './kube.ts';

type Relaxable = 'runAsNonRoot' | 'readOnlyRootFilesystem';
/** Documented exceptions to the strict security settings: per "<workload>/<container>", why. */
export type Relaxations = Record<string, Partial<Record<Relaxable, string>>>;

/** What the checks found (those that gave a string), each prefixed with where. */
const found = (where: string, checks: unknown[]) =>
  checks.filter((check) => typeof check === 'string').map((problem) => `${where}: ${problem}`);

/** Container settings, the Pod's securityContext as the fallback, as the kubelet applies them. */
export function effectiveSecurity({ workload, container }: ContainerRef) {
  const pod = workload.pod.securityContext ?? {};
  const own = container.securityContext ?? {};
  return {
    runAsNonRoot: own.runAsNonRoot ?? pod.runAsNonRoot,
    runAsUser: own.runAsUser ?? pod.runAsUser,
    runAsGroup: own.runAsGroup ?? pod.runAsGroup,
    seccomp: own.seccompProfile?.type ?? pod.seccompProfile?.type,
    readOnlyRootFilesystem: own.readOnlyRootFilesystem,
  };
}

export function containerSecurityViolations(ref: ContainerRef, relaxations: Relaxations) {
  const s = effectiveSecurity(ref);
  const own = ref.container.securityContext ?? {};
  const relaxed = (setting: Relaxable) => relaxations[ref.id]?.[setting] !== undefined;
  const tmp = ref.container.volumeMounts?.find((m) => m.mountPath === '/tmp' && !m.readOnly);
  const tmpVolume = ref.workload.pod.volumes?.find((v) => v.name === tmp?.name);
  return found(ref.id, [
    !relaxed('runAsNonRoot') && s.runAsNonRoot !== true && 'runAsNonRoot is not true',
    // runAsNonRoot can only be verified against a numeric user.
    !relaxed('runAsNonRoot') && !s.runAsUser && 'runAsUser is not a non-zero uid',
    !relaxed('runAsNonRoot') && !s.runAsGroup && 'runAsGroup is not a non-zero gid',
    own.allowPrivilegeEscalation !== false && 'allowPrivilegeEscalation is not false',
    own.privileged === true && 'privileged',
    !own.capabilities?.drop?.includes('ALL') && 'capabilities do not drop ALL',
    own.capabilities?.add?.length && `capabilities added: ${own.capabilities.add.join(', ')}`,
    s.seccomp !== 'RuntimeDefault' && 'seccompProfile is not RuntimeDefault',
    !relaxed('readOnlyRootFilesystem') &&
      (s.readOnlyRootFilesystem !== true
        ? 'readOnlyRootFilesystem is not true'
        : !tmpVolume?.emptyDir && 'read-only root filesystem without an emptyDir /tmp'),
  ]);
}

export function podSecurityViolations({ kind, name, pod }: Workload): string[] {
  return found(`${kind}/${name}`, [
    pod.automountServiceAccountToken !== false && 'automountServiceAccountToken is not false',
    (pod.hostNetwork || pod.hostPID || pod.hostIPC) && 'shares a host namespace',
    ...(pod.volumes ?? []).flatMap((volume) => [
      volume.hostPath && `hostPath volume ${volume.name}`,
      volume.emptyDir && !volume.emptyDir.sizeLimit && `emptyDir ${volume.name} has no sizeLimit`,
    ]),
  ]);
}

export function resourceViolations(ref: ContainerRef): string[] {
  const { requests = {}, limits = {} } = ref.container.resources ?? {};
  return ['cpu', 'memory'].flatMap((resource) => {
    const [request, limit] = [requests[resource], limits[resource]];
    return found(ref.id, [
      request === undefined && `no ${resource} request`,
      limit === undefined && `no ${resource} limit`,
      request !== undefined &&
        limit !== undefined &&
        parseQuantity(request) > parseQuantity(limit) &&
        `${resource} request ${request} exceeds its limit ${limit}`,
    ]);
  });
}

/** An image reference without its tag or digest: the repository Skaffold matches artifacts by. */
export const imageName = (image = '') => image.split('@')[0]!.replace(/:[^/:]+$/, '');

/**
 * Images Skaffold builds appear under their bare artifact name (Skaffold puts in the tag it
 * built) or, where the manifests must also work without Skaffold, tagged with the release;
 * anything else must be pinned to a version tag or a digest.
 */
export function imageViolations(ref: ContainerRef, artifacts: readonly string[], release?: string) {
  const { image = '', imagePullPolicy } = ref.container;
  const name = imageName(image);
  const tag = /:([^/:@]+)$/.exec(image.split('@')[0]!)?.[1];
  const ours = artifacts.includes(name);
  return found(ref.id, [
    ours && !release && image !== name && `artifact image ${image} must carry no tag or digest`,
    ours &&
      release &&
      image !== `${name}:${release}` &&
      `artifact image ${image} must be tagged with the release ${release}`,
    ours &&
      imagePullPolicy !== 'IfNotPresent' &&
      imagePullPolicy !== 'Never' &&
      `imagePullPolicy ${imagePullPolicy ?? 'unset'} pulls the image from a registry (unset: Always, ` +
        'for an untagged image, when applied without Skaffold), but it is built into the cluster',
    !ours &&
      !image.includes('@sha256:') &&
      !/^v?\d+(\.\d+){1,2}/.test(tag ?? '') &&
      `third-party image ${image} is not pinned to a version or digest`,
    /:latest(@|$)/.test(image) && `${image} uses :latest`,
  ]);
}

type Probe = NonNullable<IContainer['livenessProbe']>;
/** How long a probe may fail before it acts. */
export const failureBudget = (probe: Probe) =>
  (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);

/** Readiness and liveness on every long-running container, pointing at a port it declares. */
export function probeViolations({ id, container }: ContainerRef, requireStartup: boolean) {
  const { startupProbe, readinessProbe, livenessProbe } = container;
  const probes = { startupProbe, readinessProbe, livenessProbe };
  return found(id, [
    !readinessProbe && 'no readinessProbe',
    !livenessProbe && 'no livenessProbe',
    requireStartup && !startupProbe && 'no startupProbe',
    ...Object.entries(probes).flatMap(([kind, probe]) => {
      if (!probe) return [];
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
      if (port === undefined) return [`${kind} is not an HTTP, TCP or gRPC check`];
      const [period, timeout] = [probe.periodSeconds ?? 10, probe.timeoutSeconds ?? 1];
      return [
        !findPort([container], port) &&
          `${kind} checks port ${port}, which the container does not declare`,
        timeout >= period &&
          kind !== 'startupProbe' &&
          `${kind} timeoutSeconds ${timeout} is not below periodSeconds ${period}`,
      ];
    }),
    livenessProbe &&
      readinessProbe &&
      failureBudget(livenessProbe) <= failureBudget(readinessProbe) &&
      'livenessProbe would fail as soon as readinessProbe (restart before unready)',
  ]);
}
