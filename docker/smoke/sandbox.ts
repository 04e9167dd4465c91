/** Every container and network of a run, labelled with its id: cleanup removes exactly them. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { docker, dockerChecked, expectPid1, FAILED, jsonLines, probe } from './support.ts';
import { secondsSince, type Check, type CommandResult } from './support.ts';

const LABEL = 'task-manager.smoke-run';

/** The securityContext of k8s/base, and its emptyDir at /tmp (sizeLimit 16Mi). */
const HARDENING = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];
const TMP = ['--tmpfs', '/tmp:rw,noexec,nosuid,nodev,size=16m'];

/** The Pods' terminationGracePeriodSeconds (k8s/base); `docker stop` gets the same. */
export const GRACE_SECONDS = 30;

export type Env = Readonly<Record<string, string>>;

/** `alias`: its host name (a Service's); `hardened` is off where k8s relaxes it (dynalite, dev). */
export interface ContainerSpec {
  role: string;
  image: string;
  command?: readonly string[];
  env?: Env;
  alias?: string;
  user?: string;
  hardened?: boolean;
}

/** `url`: http://127.0.0.1:<random port>, forwarded to the container's port. */
export type Container = { name: string; url: string };

/** What each part of the run gets: its checks and the sandbox its containers run in. */
export type Smoke = { check: Check; sandbox: Sandbox };

export class Sandbox {
  readonly runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  readonly network = `tm-smoke-${this.runId}-net`;
  #closing = false;

  async open(): Promise<void> {
    await dockerChecked(['network', 'create', '--label', `${LABEL}=${this.runId}`, this.network]);
  }

  #runArgs(spec: ContainerSpec, port?: number): string[] {
    // After cleanup has begun (Ctrl-C), nothing new may start and outlive it.
    if (this.#closing) throw new Error('the sandbox is being removed');
    const args = ['--name', `tm-smoke-${this.runId}-${spec.role}`];
    args.push('--label', `${LABEL}=${this.runId}`, '--network', this.network);
    if (spec.alias) args.push('--network-alias', spec.alias);
    if (spec.hardened !== false) args.push(...HARDENING, ...TMP);
    if (spec.user) args.push('--user', spec.user);
    if (port !== undefined) args.push('--publish', `127.0.0.1::${port}`);
    for (const [name, value] of Object.entries(spec.env ?? {})) {
      args.push('--env', `${name}=${value}`);
    }
    return [...args, spec.image, ...(spec.command ?? [])];
  }

  /** Starts a long-running container, its `port` published on a random loopback port. */
  async start(spec: ContainerSpec, port: number): Promise<Container> {
    const name = `tm-smoke-${this.runId}-${spec.role}`;
    await dockerChecked(['run', '--detach', ...this.#runArgs(spec, port)]);
    const mapping = await dockerChecked(['port', name, `${port}/tcp`]);
    const hostPort = /:(\d+)\s*$/m.exec(mapping)?.[1];
    if (!hostPort) throw new Error(`no published port for ${name}: ${mapping}`);
    return { name, url: `http://127.0.0.1:${hostPort}` };
  }

  /** Runs a container to completion (like a Job's Pod); stdout and stderr stay separate. */
  run(spec: ContainerSpec, timeoutMs: number): Promise<CommandResult> {
    return docker(['run', ...this.#runArgs(spec)], { timeout: timeoutMs });
  }

  /**
   * `docker stop`: SIGTERM, then SIGKILL (exit 137) once the grace period is over. The exit code
   * tells the two apart; the seconds are reported, never judged, as a busy machine stretches them.
   */
  async stop(name: string, graceSeconds = GRACE_SECONDS) {
    const started = performance.now();
    await dockerChecked(['stop', '--time', String(graceSeconds), name]);
    const seconds = secondsSince(started);
    const exit = await dockerChecked(['inspect', '--format', '{{.State.ExitCode}}', name]);
    const outcome = `exit ${exit.trim()} after ${seconds} of a ${graceSeconds} s grace period`;
    return { exitCode: Number(exit), outcome };
  }

  /** `docker stop`; fails unless the app exits 0 on its own, before any SIGKILL. */
  async stopCleanly(name: string, graceSeconds = GRACE_SECONDS): Promise<string> {
    const { exitCode, outcome } = await this.stop(name, graceSeconds);
    assert.equal(exitCode, 0, outcome);
    return outcome;
  }

  logs(name: string): Promise<CommandResult> {
    return docker(['logs', name]);
  }

  /** Removes everything labelled with this run's id; returns what is left (should be nothing). */
  async close(): Promise<string[]> {
    this.#closing = true;
    const ids = async (...args: string[]) =>
      (await docker([...args, '--quiet', '--filter', `label=${LABEL}=${this.runId}`])).stdout
        .split('\n')
        .filter(Boolean);
    const paused = await ids('ps', '--filter', 'status=paused');
    if (paused.length > 0) await docker(['unpause', ...paused]);
    const kinds = [
      // --volumes: also the anonymous volumes the containers got.
      { kind: 'container', list: ['ps', '--all'], remove: ['rm', '--force', '--volumes'] },
      { kind: 'network', list: ['network', 'ls'], remove: ['network', 'rm'] },
      { kind: 'volume', list: ['volume', 'ls'], remove: ['volume', 'rm', '--force'] },
    ];
    for (const { list, remove } of kinds) {
      const found = await ids(...list);
      if (found.length > 0) await docker([...remove, ...found]);
    }
    const left = await Promise.all(
      kinds.map(async ({ kind, list }) => (await ids(...list)).map((id) => `${kind} ${id}`)),
    );
    return left.flat();
  }
}

/** `probes`: paths that must answer 200 before it counts as started; `pid1`: who PID 1 must be. */
export interface AppSpec extends ContainerSpec {
  port: number;
  probes: string[];
  probeOptions?: Parameters<typeof probe>[1];
  pid1: { program: string; user: string };
}

/** The node images' PID 1: node itself, as the `node` user. */
export const NODE_PID1 = { program: 'node', user: '1000:1000' };

/** Starts an app container as its Deployment does and checks it; undefined if it did not start. */
export async function startApp({ check, sandbox }: Smoke, spec: AppSpec) {
  const { image, port, probes, pid1 } = spec;
  const container = await check(
    `${image}: starts read-only, without capabilities, as the image's user`,
    async (t) => {
      const started = await sandbox.start(spec, port);
      for (const path of probes) await probe(`${started.url}${path}`, spec.probeOptions);
      const answered = probes.map((path) => `${path} 200`);
      t.diagnostic([`${started.name} on ${started.url}`, ...answered].join('; '));
      return started;
    },
  );
  if (container === FAILED) return undefined;
  await check(`${image}: ${pid1.program} is PID 1, as ${pid1.user}`, () =>
    expectPid1(container.name, pid1.program, pid1.user),
  );
  return container;
}

/** Log collectors parse stdout line by line: every line must be one JSON object. */
export async function checkStdout({ check, sandbox }: Smoke, image: string, container: Container) {
  await check(`${image}: every stdout line is JSON`, async () => {
    const lines = jsonLines((await sandbox.logs(container.name)).stdout);
    return `${lines.length} lines, all JSON`;
  });
}
