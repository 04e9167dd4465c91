/**
 * The `skaffold dev` targets: synced changes reach the running process without a rebuild, and
 * node is PID 1 for a Pod deletion's SIGTERM. Writable, as k8s/overlays/dev relaxes it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, REPO_ROOT } from '@task-manager/testing';
import { devImages } from './images.ts';
import type { Container, Env, Smoke } from './sandbox.ts';
import { dockerChecked, expectPid1, FAILED, probe, secondsSince } from './support.ts';

/** Skaffold's file sync: `tar xmf - -C / --no-same-owner` as the container's user. */
function syncFile(container: string, file: string, contents: string): void {
  const staging = mkdtempSync(path.join(tmpdir(), 'smoke-sync-'));
  try {
    mkdirSync(path.join(staging, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(staging, file), contents);
    const archive = execFileSync('tar', ['-C', staging, '-cf', '-', file.replace(/^\//, '')]);
    const unpack = ['exec', '-i', container, 'tar', 'xmf', '-', '-C', '/', '--no-same-owner'];
    execFileSync('docker', unpack, { input: archive, stdio: ['pipe', 'ignore', 'pipe'] });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Host PIDs of the container's `node` processes (the watcher and the service it runs). */
async function nodeProcesses(container: string): Promise<string[]> {
  const table = await dockerChecked(['top', container, '-o', 'pid,args']);
  const lines = table.split('\n').slice(1);
  return lines.filter((line) => /\bnode\b/.test(line)).map((line) => line.trim().split(/\s+/)[0]!);
}

const live = (url: string) => probe(`${url}/health/liveness`, { periodMs: 250, attemptMs: 1000 });

/** Vite compiles a module on its first request: an attempt may take seconds. */
const polled = { periodMs: 250, attemptMs: 10_000 };

/** task-service restarts under node --watch when its source changes. */
async function restartsOnSync(container: Container): Promise<string> {
  const before = await nodeProcesses(container.name);
  const main = 'services/task-service/src/main.ts';
  const source = readFileSync(path.join(REPO_ROOT, main), 'utf8');
  const synced = performance.now();
  syncFile(container.name, `/app/${main}`, `${source}\n// synced by docker/smoke\n`);
  const restarted = async () => {
    const started = (await nodeProcesses(container.name)).filter((pid) => !before.includes(pid));
    assert.notDeepEqual(started, [], 'node --watch did not restart it');
  };
  await eventually(restarted, { timeoutMs: 30_000, intervalMs: 250 });
  await live(container.url);
  return `node --watch restarted it; live again ${secondsSince(synced)} after the sync`;
}

/** A synced new module (the app does not import it), then its update: Vite's watcher saw both. */
async function servesSyncedChanges(container: Container): Promise<string> {
  const module = `src/smoke-sync-${container.name}.ts`;
  for (const version of ['first', 'second']) {
    const includes = `${version} version`;
    syncFile(container.name, `/app/web/${module}`, `export const synced = '${includes}';\n`);
    await probe(`${container.url}/${module}`, { ...polled, timeoutMs: 15_000, includes });
  }
  return 'a synced new module was served, then its synced update';
}

/** The dev server answers GET / with its own index.html. */
const viteAnswers = (url: string) =>
  probe(`${url}/`, { ...polled, timeoutMs: 60_000, includes: '/@vite/client' });

export async function checkDevTargets({ check, sandbox }: Smoke, serviceEnv: Env): Promise<void> {
  const targets = [
    {
      ...devImages.service,
      role: 'task-service-dev',
      env: serviceEnv,
      port: 3000,
      started: 'starts and is live',
      ready: live,
      entryPoint: '--watch',
      synced: 'a synced source change restarts it',
      sync: restartsOnSync,
    },
    {
      ...devImages.web,
      role: 'task-web-dev',
      env: {},
      port: 5173,
      started: 'the dev server answers',
      ready: viteAnswers,
      entryPoint: 'node_modules/vite/bin/vite.js',
      synced: 'Vite serves synced changes',
      sync: servesSyncedChanges,
    },
  ];
  for (const { tag: image, role, env, port, ready, entryPoint, sync, ...says } of targets) {
    const name = `${image} (target dev)`;
    const container = await check(`${name}: ${says.started}`, async () => {
      const started = await sandbox.start({ role, image, env, hardened: false }, port);
      await ready(started.url);
      return started;
    });
    if (container === FAILED) continue;
    await check(`${name}: node is PID 1, running ${entryPoint}`, () =>
      expectPid1(container.name, 'node', '1000:1000', entryPoint),
    );
    await check(`${name}: ${says.synced}`, () => sync(container));
    await check(`${name}: docker stop: SIGTERM stops it`, async () => {
      const { exitCode, outcome } = await sandbox.stop(container.name);
      assert.notEqual(exitCode, 128 + 9, `${outcome}: SIGKILLed, SIGTERM was not handled`);
      return outcome;
    });
  }
}
