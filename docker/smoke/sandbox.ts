/**
 * Every container and network the smoke test makes, on one private network and under one label
 * with this run's id, so cleanup removes exactly them (never another run's or anyone else's).
 */
import { randomBytes } from 'node:crypto';
import { docker, dockerChecked, type CommandResult } from './command.ts';

const LABEL = 'task-manager.smoke-run';

/** How Kubernetes runs the app containers: see the securityContext in k8s/base. */
const HARDENING = [
  '--read-only',
  // The emptyDir mounted at /tmp (sizeLimit 16Mi in the manifests).
  '--tmpfs',
  '/tmp:rw,noexec,nosuid,nodev,size=16m',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
];

/** The Pods' terminationGracePeriodSeconds (k8s/base); `docker stop` gets the same. */
export const GRACE_SECONDS = 30;

export interface ContainerSpec {
  /** Short name: the container is `<prefix>-<role>`. */
  role: string;
  image: string;
  /** Replaces the image's CMD, like a Pod spec's `command`. */
  command?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** Network alias, the in-network host name (like a Kubernetes Service name). */
  alias?: string;
  /** The image's USER unless given. */
  user?: string;
  /** Off only for helpers that are not part of the product (the DynamoDB stand-in). */
  hardened?: boolean;
}

export interface Container {
  readonly name: string;
}

export interface PublishedContainer extends Container {
  /** http://127.0.0.1:<random port>, forwarded to the container's port. */
  readonly url: string;
}

export interface StopOutcome {
  seconds: number;
  exitCode: number;
}

export class Sandbox {
  readonly runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  readonly prefix = `tm-smoke-${this.runId}`;
  readonly network = `${this.prefix}-net`;

  async open(): Promise<void> {
    await dockerChecked(['network', 'create', '--label', `${LABEL}=${this.runId}`, this.network]);
  }

  nameOf(role: string): string {
    return `${this.prefix}-${role}`;
  }

  #closing = false;

  #runArgs(spec: ContainerSpec, publish?: number): string[] {
    // After cleanup has begun (Ctrl-C), nothing new may start and outlive it.
    if (this.#closing) throw new Error('the sandbox is being removed');
    const args = ['--name', this.nameOf(spec.role), '--label', `${LABEL}=${this.runId}`];
    args.push('--network', this.network);
    if (spec.alias) args.push('--network-alias', spec.alias);
    if (spec.hardened !== false) args.push(...HARDENING);
    if (spec.user) args.push('--user', spec.user);
    if (publish !== undefined) args.push('--publish', `127.0.0.1::${publish}`);
    for (const [name, value] of Object.entries(spec.env ?? {}))
      args.push('--env', `${name}=${value}`);
    args.push(spec.image, ...(spec.command ?? []));
    return args;
  }

  /** Starts a long-running container in the background, reachable on the network only. */
  async start(spec: ContainerSpec): Promise<Container> {
    await dockerChecked(['run', '--detach', ...this.#runArgs(spec)]);
    return { name: this.nameOf(spec.role) };
  }

  /** Like start(), and publishes `port` on a random loopback port of the host. */
  async startPublished(spec: ContainerSpec, port: number): Promise<PublishedContainer> {
    await dockerChecked(['run', '--detach', ...this.#runArgs(spec, port)]);
    const name = this.nameOf(spec.role);
    const mapping = await dockerChecked(['port', name, `${port}/tcp`]);
    const hostPort = /:(\d+)\s*$/m.exec(mapping)?.[1];
    if (!hostPort) throw new Error(`no published port for ${name}: ${mapping}`);
    return { name, url: `http://127.0.0.1:${hostPort}` };
  }

  /** Runs a container to completion (like a Job's Pod); stdout and stderr stay separate. */
  async runToCompletion(spec: ContainerSpec, timeoutMs: number): Promise<CommandResult> {
    return docker(['run', ...this.#runArgs(spec)], { timeoutMs });
  }

  /** `docker stop` with the Pods' grace period; how long it took and the exit code. */
  async stop(name: string, graceSeconds: number): Promise<StopOutcome> {
    const started = performance.now();
    await dockerChecked(['stop', '--time', String(graceSeconds), name]);
    const seconds = (performance.now() - started) / 1000;
    const exitCode = Number(
      await dockerChecked(['inspect', '--format', '{{.State.ExitCode}}', name]),
    );
    return { seconds, exitCode };
  }

  async logs(name: string): Promise<{ stdout: string; stderr: string }> {
    const { stdout, stderr } = await docker(['logs', name]);
    return { stdout, stderr };
  }

  /** Removes everything labelled with this run's id; returns what is left (should be nothing). */
  async close(): Promise<string[]> {
    this.#closing = true;
    const filter = ['--filter', `label=${LABEL}=${this.runId}`];
    const paused = await list(['ps', '--quiet', '--filter', 'status=paused', ...filter]);
    if (paused.length > 0) await docker(['unpause', ...paused]);
    const containers = await list(['ps', '--all', '--quiet', ...filter]);
    // -v: also the anonymous volumes the containers got.
    if (containers.length > 0) await docker(['rm', '--force', '--volumes', ...containers]);
    const networks = await list(['network', 'ls', '--quiet', ...filter]);
    if (networks.length > 0) await docker(['network', 'rm', ...networks]);
    const volumes = await list(['volume', 'ls', '--quiet', ...filter]);
    if (volumes.length > 0) await docker(['volume', 'rm', '--force', ...volumes]);

    const left = [
      ...(await list(['ps', '--all', '--quiet', ...filter])).map((id) => `container ${id}`),
      ...(await list(['network', 'ls', '--quiet', ...filter])).map((id) => `network ${id}`),
      ...(await list(['volume', 'ls', '--quiet', ...filter])).map((id) => `volume ${id}`),
    ];
    return left;
  }
}

async function list(args: readonly string[]): Promise<string[]> {
  const { stdout } = await docker(args);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}
