/**
 * dynalite (LocalStack's part) and the tables; then task-service as its Deployment runs it, used
 * with the provider's Bearer tokens, and through the Ingress with a signed-in session.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  PROGRAM_BUNDLE,
  TASK_SERVICE_BUNDLE,
  TASK_SERVICE_CONTRACT,
} from '@task-manager/task-service/launch';
import type { ErrorBody } from '@task-manager/task-service/responses';
import { CREATE_TABLES_ENV_VARS } from '@task-manager/task-store';
import { eventually, REPO_ROOT } from '@task-manager/testing';
import { environmentFor } from './cluster-config.ts';
import type { SmokeSignIn } from './identity.ts';
import { dynaliteImage, images } from './images.ts';
import { checkStdout, GRACE_SECONDS, NODE_PID1, startApp } from './sandbox.ts';
import type { Container, Env, Smoke } from './sandbox.ts';
import { docker, dockerChecked, expectJson, expectStatus, jsonLines } from './support.ts';
import { FAILED, probe, request, secondsSince } from './support.ts';

export const SMOKE_USER = 'smoke-user';
/** Made an admin by the provider (IDP_ADMIN_USERS: the groups claim), not by ADMIN_USERS. */
export const SMOKE_ADMIN = 'smoke-admin';

/** The endpoint the containers use, as the local overlay points them at LocalStack. */
export const DYNAMODB_ENDPOINT = { DYNAMODB_ENDPOINT: 'http://dynamodb:8000' };

export interface Task {
  taskId: string;
  title: string;
  done: boolean;
  completedAt: string | null;
}

const image = images.service.tag;

export async function startDynamodb({ sandbox }: Smoke): Promise<Container> {
  // Tables are ACTIVE at once instead of after dynalite's simulated 500 ms.
  const delays = '--createTableMs 0 --updateTableMs 0 --deleteTableMs 0';
  const command = `node node_modules/dynalite/cli.js --port 8000 ${delays}`.split(' ');
  const spec = { role: 'dynamodb', image: dynaliteImage.tag, alias: 'dynamodb', user: '1000:1000' };
  const container = await sandbox.start({ ...spec, command, hardened: false }, 8000);
  const listening = async () =>
    assert.match(JSON.stringify(await sandbox.logs(container.name)), /Dynalite listening/);
  await eventually(listening, { timeoutMs: 30_000, intervalMs: 200 });
  return container;
}

/** Runs the init containers' command (k8s/base: initContainers create-tables) from `tag`. */
export function createTables({ check, sandbox }: Smoke, configMap: Env, tag: string, role: string) {
  return check(`${tag}: create-tables (init container command) exits 0`, async () => {
    const command = ['node', 'packages/task-store/dist/bin/create-tables.js'];
    const env = environmentFor(configMap, CREATE_TABLES_ENV_VARS, DYNAMODB_ENDPOINT);
    const result = await sandbox.run({ role, image: tag, command, env }, 60_000);
    assert.equal(result.code, 0, `exit code ${result.code}: ${result.stderr.trim()}`);
    const lines = jsonLines(result.stdout);
    return `${lines.length} lines, all JSON: ${JSON.stringify(lines.at(-1))}`;
  });
}

export async function startService(smoke: Smoke, env: Env) {
  const spec = { role: 'task-service', image, env, port: 3000, probes: [], pid1: NODE_PID1 };
  const container = await startApp(smoke, spec);
  if (!container) return undefined;
  // The manifest's probes: startup first (1 s period, 1 s timeout, 30 failures), then readiness.
  const started = await smoke.check(`${image}: GET /health/startup answers 200`, async () => {
    return `after ${await probe(`${container.url}/health/startup`, { attemptMs: 1000 })}`;
  });
  if (started === FAILED) return undefined;
  const readiness = `${image}: GET /health/readiness answers 200 (DynamoDB reachable)`;
  const ready = await smoke.check(readiness, async () => {
    return `${await probe(`${container.url}/health/readiness`, { timeoutMs: 20_000 })} after startup`;
  });
  return ready === FAILED ? undefined : container;
}

type Me = { userId: string; isAdmin: boolean };

/** Who task-service says a caller is: nobody, a token's subject, a session's (admin by group). */
export async function checkSignIn({ check }: Smoke, base: string, signIn: SmokeSignIn) {
  await check(`${image}: no credentials: 401 with a Bearer challenge`, async () => {
    const response = await request(`${base}/api/tasks`);
    const { details } = expectJson<ErrorBody>(response, 401, 'GET /api/tasks');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    return details[0]?.message;
  });

  await check(
    `${image}: anyone reads its contract, through the Ingress (/api/openapi.yaml)`,
    async () => {
      const response = await request(`${signIn.publicUrl}/api/openapi.yaml`);
      expectStatus(response, 200, 'GET /api/openapi.yaml');
      assert.equal(response.headers.get('content-type'), 'application/yaml; charset=utf-8');
      const contract = readFileSync(path.join(REPO_ROOT, TASK_SERVICE_CONTRACT), 'utf8');
      assert.ok(response.body === contract, "not the repository's openapi.yaml");
      return `${contract.length} characters: the repository's openapi.yaml`;
    },
  );

  await check(`${image}: a Bearer token from the provider's container names the user`, async () => {
    const response = await request(`${base}/api/me`, { headers: await signIn.bearer(SMOKE_USER) });
    const me = expectJson<Me>(response, 200, 'GET /api/me');
    assert.partialDeepStrictEqual(me, { userId: SMOKE_USER, isAdmin: false });
    // The issuer (the host's loopback) is out of its reach: the keys came over the back channel.
    return 'checked with keys fetched over the back channel';
  });

  await check(
    `${image}: sign-in through the Ingress and the provider's page gives a session (admin by group)`,
    async () => {
      const admins = { [SMOKE_USER]: false, [SMOKE_ADMIN]: true };
      for (const [userId, isAdmin] of Object.entries(admins)) {
        const headers = { Cookie: await signIn.session(userId) };
        const response = await request(`${signIn.publicUrl}/api/me`, { headers });
        const me = expectJson<Me>(response, 200, `GET /api/me as ${userId}`);
        assert.partialDeepStrictEqual(me, { userId, isAdmin });
      }
      const issuerPath = new URL(signIn.issuer).pathname;
      return `/auth/login → ${issuerPath} sign-in page → /auth/callback: ${SMOKE_USER}, ${SMOKE_ADMIN} (admin)`;
    },
  );
}

/** Creates, lists and completes a task; the completed task (undefined if a step failed). */
export async function exerciseTasks({ check }: Smoke, base: string, signIn: SmokeSignIn) {
  const bearer = () => signIn.bearer(SMOKE_USER);
  const startAt = new Date(Date.now() + 3_600_000).toISOString();
  const created = await check(`${image}: POST /api/tasks creates a task (201)`, async (t) => {
    const title = 'Smoke-test the containers';
    const json = { title, contents: 'created by docker/smoke', startAt };
    const headers = await bearer();
    const response = await request(`${base}/api/tasks`, { method: 'POST', headers, json });
    const task = expectJson<Task>(response, 201, 'POST /api/tasks');
    assert.equal(response.headers.get('location'), `/api/tasks/${task.taskId}`, 'Location');
    assert.ok(response.headers.get('x-request-id'), 'no X-Request-Id header');
    t.diagnostic(`taskId ${task.taskId}`);
    return { task, etag: response.headers.get('etag') };
  });
  if (created === FAILED) return undefined;
  const { task, etag } = created;

  await check(`${image}: GET /api/tasks lists it`, async () => {
    const day = 86_400_000;
    const from = new Date(Date.parse(startAt) - day).toISOString();
    const to = new Date(Date.parse(startAt) + day).toISOString();
    const window = new URLSearchParams({ from, to, status: 'open' });
    const response = await request(`${base}/api/tasks?${window}`, { headers: await bearer() });
    const { items } = expectJson<{ items: Task[] }>(response, 200, 'GET /api/tasks');
    const listed = items.some((item) => item.taskId === task.taskId);
    assert.ok(listed, `${task.taskId} not among ${items.length} open tasks`);
    return `${items.length} open task(s)`;
  });

  const completed = await check(
    `${image}: PATCH /api/tasks/:id completes it (If-Match)`,
    async (t) => {
      const url = `${base}/api/tasks/${task.taskId}`;
      const headers = { ...(await bearer()), ...(etag && { 'If-Match': etag }) };
      const response = await request(url, { method: 'PATCH', headers, json: { done: true } });
      const completed = expectJson<Task>(response, 200, 'PATCH /api/tasks/:id');
      assert.ok(completed.done && completed.completedAt, `not completed: ${response.body}`);
      const reread = expectJson<Task>(await request(url, { headers: await bearer() }), 200, 'GET');
      assert.ok(reread.done, 'GET after PATCH does not show it done');
      t.diagnostic(`completedAt ${completed.completedAt}`);
      return completed;
    },
  );
  return completed === FAILED ? undefined : completed;
}

/** Nothing listens there, in the container's own network namespace: the collector is down. */
export const TRACING = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

/** Tracing on, the collector down: the bundle is still instrumented (packages/telemetry). */
export async function checkTracedService({ check, sandbox }: Smoke, env: Env) {
  await check(
    `${image}: with tracing on and the collector down, a request's log line continues its caller's trace`,
    async () => {
      const spec = { role: 'task-service-traced', image, env: { ...env, ...TRACING } };
      const container = await sandbox.start(spec, 3000);
      const traceId = randomBytes(16).toString('hex');
      const parentSpanId = randomBytes(8).toString('hex');
      const requestId = `smoke-traced-${parentSpanId}`;
      let line;
      try {
        await probe(`${container.url}/health/readiness`);
        const response = await request(`${container.url}/api/tasks`, {
          headers: { traceparent: `00-${traceId}-${parentSpanId}-01`, 'X-Request-Id': requestId },
        });
        expectStatus(response, 401, 'GET /api/tasks without credentials');
        line = await eventually(async () => {
          const { stdout } = await sandbox.logs(container.name);
          const found = jsonLines(stdout).find((entry) => entry.requestId === requestId);
          assert.ok(found, `no log line with requestId ${requestId}`);
          return found;
        });
      } finally {
        // Only this check needs it; the service the other checks use runs on.
        await sandbox.stop(container.name);
      }
      assert.equal(line.trace_id, traceId);
      assert.ok(typeof line.span_id === 'string' && line.span_id !== parentSpanId, 'span_id');
      return `trace ${traceId}, span ${line.span_id}`;
    },
  );
}

/** Node keeps a compile cache per user id; without configuration the program loads all, exits 1. */
export async function checkCompileCache({ check, sandbox }: Smoke) {
  await check(`${image}: the compile cache the build made serves the image's user`, async () => {
    const env = { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' };
    const result = await sandbox.run({ role: 'task-service-compile-cache', image, env }, 60_000);
    assert.equal(result.code, 1, 'exit code (1: no configuration)');
    const lines = result.stderr.split('\n');
    const accepted = lines.filter((line) => /V8 code cache for .* was accepted/.test(line));
    const program = `/app/${TASK_SERVICE_BUNDLE}`;
    const about = lines.filter((line) => line.includes(PROGRAM_BUNDLE)).join(' | ') || 'nothing';
    assert.ok(accepted.join('\n').includes(program), `no accepted cache for ${program}: ${about}`);
    const rejected = lines.filter((line) => /rejected|mismatch|failed/i.test(line));
    assert.deepEqual(rejected, [], 'rejected');
    return `${accepted.length} modules served from the cache, ${PROGRAM_BUNDLE} among them`;
  });
}

/** `docker stop` while a request waits on a frozen (`docker pause`) DynamoDB: still answered. */
export async function stopDuringRequest(
  smoke: Smoke,
  service: Container,
  dynamodb: Container,
  signIn: SmokeSignIn,
): Promise<void> {
  await smoke.check(`${image}: docker stop during a request: answered, exit 0`, async () => {
    // The token first: the provider must not be what the request waits on.
    const headers = await signIn.bearer(SMOKE_USER);
    await dockerChecked(['pause', dynamodb.name]);
    try {
      const sent = performance.now();
      const timeoutMs = GRACE_SECONDS * 1000;
      const inFlight = request(`${service.url}/api/tasks`, { headers, timeoutMs }).then(
        (response) => ({ status: response.status, at: performance.now() }),
      );
      // Awaited after the stop; until then its failure must not count as unhandled.
      inFlight.catch(() => undefined);
      // Stopped only once the service has the request: its gauge counts it and the scrape.
      await eventually(async () => {
        const metrics = await request(`${service.url}/metrics`);
        const count = Number(/^http_requests_in_flight (\d+)$/m.exec(metrics.body)?.[1]);
        assert.ok(count >= 2, `http_requests_in_flight is ${count}`);
      });
      const stopping = performance.now();
      const stopped = await smoke.sandbox.stopCleanly(service.name);
      const answer = await inFlight;
      assert.ok(answer.at > stopping, 'the request was answered before the stop: not in flight');
      const after = secondsSince(sent, answer.at);
      return `${stopped}; the in-flight request answered ${answer.status} after ${after}`;
    } finally {
      await docker(['unpause', dynamodb.name]);
    }
  });
  await checkStdout(smoke, image, service);
}
