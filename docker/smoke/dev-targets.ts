/**
 * The `dev` targets Skaffold runs in `skaffold dev`: synced source changes must reach the running
 * process without an image rebuild (task-service restarts under node --watch; the Vite dev server
 * picks the change up for hot module replacement). As in the runtime images, node itself is
 * PID 1 (no npm or shell in between), so the SIGTERM of a Pod deletion reaches the dev server,
 * which stops by itself instead of being killed at the end of the grace period.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { dockerChecked } from './command.ts';
import { syncFiles } from './file-sync.ts';
import { probeUntilOk, request } from './http.ts';
import { repoRoot } from './images.ts';
import { describePid1, pid1 } from './pid1.ts';
import { GRACE_SECONDS, type PublishedContainer, type Sandbox } from './sandbox.ts';

/**
 * Dev containers keep a writable root filesystem, as k8s/overlays/dev relaxes it: file sync
 * writes into /app and Vite keeps its dependency cache there. They still run as the image's
 * user, which is the user Skaffold's sync runs tar as.
 */
const DEV_HARDENING = { hardened: false } as const;

/** Host PIDs of the container's `node` processes (the watcher and the service it runs). */
async function nodeProcesses(container: string): Promise<string[]> {
  const table = await dockerChecked(['top', container, '-o', 'pid,args']);
  return table
    .split('\n')
    .slice(1)
    .filter((line) => /\bnode\b/.test(line))
    .map((line) => line.trim().split(/\s+/)[0] ?? '');
}

async function waitFor<T>(
  failure: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`${failure} within ${timeoutMs / 1000} s`);
}

/** The exit code of a process the runtime had to SIGKILL at the end of the grace period. */
const KILLED = 128 + 9;

/** PID 1 is node running `entryPoint`, as the image's user 1000:1000. */
async function checkPid1(
  checks: Checks,
  image: string,
  container: PublishedContainer,
  entryPoint: string,
): Promise<void> {
  await checks.check(`${image} (target dev): node is PID 1, running ${entryPoint}`, async () => {
    const process = await pid1(container.name);
    expect(process.command[0] === 'node', describePid1(process));
    expect(process.command.includes(entryPoint), describePid1(process));
    expect(process.uid === 1000 && process.gid === 1000, describePid1(process));
    return describePid1(process);
  });
}

/** `docker stop` (SIGTERM): the dev process stops by itself, well within the grace period. */
async function checkStop(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  container: PublishedContainer,
): Promise<void> {
  await checks.check(`${image} (target dev): docker stop: SIGTERM stops it`, async () => {
    const stop = await sandbox.stop(container.name, GRACE_SECONDS);
    const outcome = `exit ${stop.exitCode} after ${stop.seconds.toFixed(1)} s`;
    expect(stop.exitCode !== KILLED, `${outcome}: killed, SIGTERM was not handled`);
    expect(stop.seconds < GRACE_SECONDS / 2, `${outcome} of a ${GRACE_SECONDS} s grace period`);
    return `${outcome} of a ${GRACE_SECONDS} s grace period`;
  });
}

export async function checkServiceDev(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  const liveness = { periodMs: 250, timeoutMs: 1000, failureThreshold: 120 };
  const container = await checks.step(`${image} (target dev): starts and is live`, async () => {
    const started = await sandbox.startPublished(
      { role: 'task-service-dev', image, env, ...DEV_HARDENING },
      3000,
    );
    await probeUntilOk(`${started.url}/health/liveness`, liveness);
    return started;
  });
  if (!container) return;
  await checkPid1(checks, image, container, '--watch');

  await checks.check(`${image} (target dev): a synced source change restarts it`, async () => {
    const before = await nodeProcesses(container.name);
    const main = 'services/task-service/src/main.ts';
    const source = readFileSync(path.join(repoRoot, main), 'utf8');
    const synced = performance.now();
    await syncFiles(container.name, { [`/app/${main}`]: `${source}\n// synced by docker/smoke\n` });
    await waitFor('node --watch did not restart the service', 30_000, async () => {
      const now = await nodeProcesses(container.name);
      return now.some((pid) => !before.includes(pid)) ? now : undefined;
    });
    await probeUntilOk(`${container.url}/health/liveness`, liveness);
    const seconds = (performance.now() - synced) / 1000;
    return `node --watch restarted it; live again ${seconds.toFixed(1)} s after the sync`;
  });
  await checkStop(checks, sandbox, image, container);
}

export async function checkWebDev(checks: Checks, sandbox: Sandbox, image: string): Promise<void> {
  const container = await checks.step(`${image} (target dev): the dev server answers`, async () => {
    const started = await sandbox.startPublished(
      { role: 'task-web-dev', image, ...DEV_HARDENING },
      5173,
    );
    const page = await waitFor('the dev server did not answer', 60_000, async () => {
      const response = await request(`${started.url}/`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(page.includes('/@vite/client'), 'GET / is not the dev server’s index.html');
    return started;
  });
  if (!container) return;
  await checkPid1(checks, image, container, 'node_modules/vite/bin/vite.js');

  await checks.check(`${image} (target dev): Vite serves synced changes`, async () => {
    // A module the app does not import, so the change cannot disturb anything. Its second
    // version is served only if Vite's watcher saw the sync and invalidated the first.
    const module = `src/smoke-sync-${sandbox.runId}.ts`;
    for (const version of ['first', 'second']) {
      await syncFiles(container.name, {
        [`/app/web/${module}`]: `export const synced = '${version} version';\n`,
      });
      await waitFor(`the ${version} version was not served`, 15_000, async () => {
        const response = await request(`${container.url}/${module}`);
        const served = response.status === 200 && response.body.includes(`${version} version`);
        return served ? true : undefined;
      });
    }
    return 'a synced new module was served, then its synced update';
  });
  await checkStop(checks, sandbox, image, container);
}
