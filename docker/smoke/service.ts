/**
 * task-service in its container: started as the Deployment starts it, probed as the kubelet
 * probes it, then used through its published port the way scripts use it (Bearer tokens from the
 * provider's container) and through the Ingress the way the browser does (the session that
 * signing in leaves).
 */
import { randomBytes } from 'node:crypto';
import { PROGRAM_BUNDLE, TASK_SERVICE_BUNDLE } from '@task-manager/task-service/launch';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { parseJson, probeUntilOk, request, type HttpResponse } from './http.ts';
import type { SmokeSignIn } from './identity.ts';
import { parseJsonLines } from './json-lines.ts';
import { checkNodePid1 } from './pid1.ts';
import { GRACE_SECONDS, type PublishedContainer, type Sandbox } from './sandbox.ts';
import { waitForOutput } from './wait.ts';

export const SMOKE_USER = 'smoke-user';
/** Made an admin by the provider (IDP_ADMIN_USERS: the groups claim), not by ADMIN_USERS. */
export const SMOKE_ADMIN = 'smoke-admin';

export interface Task {
  taskId: string;
  title: string;
  contents: string;
  startAt: string;
  done: boolean;
  completedAt: string | null;
}

function expectStatus(response: HttpResponse, status: number, what: string): void {
  expect(
    response.status === status,
    `${what}: expected ${status}, got ${response.status} ${response.body.slice(0, 300)}`,
  );
}

export async function startService(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  env: Readonly<Record<string, string>>,
): Promise<PublishedContainer | undefined> {
  const container = await checks.step(
    `${image}: starts read-only, without capabilities, as the image's user`,
    () => sandbox.startPublished({ role: 'task-service', image, env }, 3000),
    (started) => `${started.name} on ${started.url}`,
  );
  if (!container) return undefined;
  const base = container.url;

  await checkNodePid1(checks, image, container.name);

  // The manifest's probes: startup first (1 s period, 1 s timeout, 30 failures), then readiness.
  const started = await checks.step(
    `${image}: GET /health/startup answers 200`,
    () =>
      probeUntilOk(`${base}/health/startup`, {
        periodMs: 500,
        timeoutMs: 1000,
        failureThreshold: 60,
      }),
    (seconds) => `after ${seconds.toFixed(1)} s`,
  );
  if (started === undefined) return undefined;
  const ready = await checks.step(
    `${image}: GET /health/readiness answers 200 (DynamoDB reachable)`,
    () =>
      probeUntilOk(`${base}/health/readiness`, {
        periodMs: 500,
        timeoutMs: 2000,
        failureThreshold: 40,
      }),
    (seconds) => `${seconds.toFixed(1)} s after startup`,
  );
  return ready === undefined ? undefined : container;
}

interface Me {
  userId: string;
  name: string;
  isAdmin: boolean;
}

/**
 * Who task-service says a request is: nobody without credentials (401), the token's subject with
 * a Bearer token, the person signed in with the session cookie the sign-in through the provider's
 * container left (an admin by the provider's groups claim).
 */
export async function checkSignIn(
  checks: Checks,
  image: string,
  base: string,
  signIn: SmokeSignIn,
): Promise<void> {
  await checks.check(`${image}: no credentials: 401 with a Bearer challenge`, async () => {
    const response = await request(`${base}/api/tasks`);
    expectStatus(response, 401, 'GET /api/tasks without credentials');
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge.startsWith('Bearer'), `WWW-Authenticate is "${challenge}"`);
    return parseJson<{ details: Array<{ message: string }> }>(response).details[0]?.message;
  });

  await checks.check(
    `${image}: a Bearer token from the provider's container names the user`,
    async () => {
      const response = await request(`${base}/api/me`, {
        headers: await signIn.bearer(SMOKE_USER),
      });
      expectStatus(response, 200, 'GET /api/me');
      const me = parseJson<Me>(response);
      expect(me.userId === SMOKE_USER && !me.isAdmin, `GET /api/me: ${response.body}`);
      // The issuer's address (the host's loopback) is not reachable from inside the container:
      // the provider's keys can only have come over the back channel, identity-provider:9000.
      return 'checked with keys fetched over the back channel';
    },
  );

  await checks.check(
    `${image}: sign-in through the Ingress and the provider's page gives a session (admin by group)`,
    async () => {
      const details: string[] = [];
      for (const [user, isAdmin] of [
        [SMOKE_USER, false],
        [SMOKE_ADMIN, true],
      ] as const) {
        const cookie = await signIn.session(user);
        const response = await request(`${signIn.publicUrl}/api/me`, {
          headers: { Cookie: cookie },
        });
        expectStatus(response, 200, `GET /api/me as ${user}`);
        const me = parseJson<Me>(response);
        expect(me.userId === user && me.isAdmin === isAdmin, `${user}: ${response.body}`);
        details.push(`${user}${isAdmin ? ' (admin)' : ''}`);
      }
      return `/auth/login → ${new URL(signIn.issuer).pathname} sign-in page → /auth/callback: ${details.join(', ')}`;
    },
  );
}

/** Creates, lists and completes a task; the completed task (undefined if a step failed). */
export async function exerciseTasks(
  checks: Checks,
  image: string,
  base: string,
  signIn: SmokeSignIn,
): Promise<Task | undefined> {
  const bearer = () => signIn.bearer(SMOKE_USER);
  const startAt = new Date(Date.now() + 3_600_000).toISOString();
  const created = await checks.step(
    `${image}: POST /api/tasks creates a task (201)`,
    async () => {
      const response = await request(`${base}/api/tasks`, {
        method: 'POST',
        headers: await bearer(),
        json: { title: 'Smoke-test the containers', contents: 'created by docker/smoke', startAt },
      });
      expectStatus(response, 201, 'POST /api/tasks');
      const task = parseJson<Task>(response);
      expect(
        response.headers.get('location') === `/api/tasks/${task.taskId}`,
        `Location is ${response.headers.get('location')}`,
      );
      expect(response.headers.get('x-request-id'), 'no X-Request-Id header');
      return { task, etag: response.headers.get('etag') };
    },
    ({ task }) => `taskId ${task.taskId}`,
  );
  if (!created) return undefined;
  const { task } = created;

  const window = new URLSearchParams({
    from: new Date(Date.parse(startAt) - 86_400_000).toISOString(),
    to: new Date(Date.parse(startAt) + 86_400_000).toISOString(),
    status: 'open',
  });
  await checks.check(`${image}: GET /api/tasks lists it`, async () => {
    const response = await request(`${base}/api/tasks?${window}`, { headers: await bearer() });
    expectStatus(response, 200, 'GET /api/tasks');
    const { items } = parseJson<{ items: Task[] }>(response);
    expect(
      items.some((item) => item.taskId === task.taskId),
      `${task.taskId} not among ${items.length} open tasks`,
    );
    return `${items.length} open task(s)`;
  });

  return checks.step(
    `${image}: PATCH /api/tasks/:id completes it (If-Match)`,
    async () => {
      const response = await request(`${base}/api/tasks/${task.taskId}`, {
        method: 'PATCH',
        headers: { ...(await bearer()), ...(created.etag ? { 'If-Match': created.etag } : {}) },
        json: { done: true },
      });
      expectStatus(response, 200, 'PATCH /api/tasks/:id');
      const completed = parseJson<Task>(response);
      expect(completed.done && completed.completedAt, `not completed: ${response.body}`);
      const reread = await request(`${base}/api/tasks/${task.taskId}`, {
        headers: await bearer(),
      });
      expectStatus(reread, 200, 'GET /api/tasks/:id');
      expect(parseJson<Task>(reread).done, 'GET after PATCH does not show it done');
      return completed;
    },
    (completed) => `completedAt ${completed.completedAt}`,
  );
}

/**
 * task-service with tracing on, as the tracing component configures it, with nothing listening
 * at the OTLP endpoint: the image's bundle (dist/run.cjs) must still be instrumented, because
 * OpenTelemetry patches what it loads from node_modules (packages/telemetry/README.md,
 * "Bundling"). A request with a caller's traceparent answers as ever, and its log line continues
 * that trace under a span of its own.
 */
export async function checkTracedService(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  await checks.check(
    `${image}: with tracing on and the collector down, a request's log line continues its caller's trace`,
    async () => {
      const tracing = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
      const container = await sandbox.startPublished(
        { role: 'task-service-traced', image, env: tracing },
        3000,
      );
      let stdout: string;
      const traceId = randomBytes(16).toString('hex');
      const parentSpanId = randomBytes(8).toString('hex');
      const requestId = `smoke-traced-${parentSpanId}`;
      try {
        await probeUntilOk(`${container.url}/health/readiness`, {
          periodMs: 500,
          timeoutMs: 2000,
          failureThreshold: 60,
        });
        const response = await request(`${container.url}/api/tasks`, {
          headers: { traceparent: `00-${traceId}-${parentSpanId}-01`, 'X-Request-Id': requestId },
        });
        expectStatus(response, 401, 'GET /api/tasks without credentials');
        await waitForOutput(container.name, new RegExp(requestId), 10_000);
        ({ stdout } = await sandbox.logs(container.name));
      } finally {
        // Only this check needs it; the service the other checks use runs on.
        await sandbox.stop(container.name, GRACE_SECONDS);
      }
      const line = parseJsonLines(stdout).find((entry) => entry.requestId === requestId);
      expect(line, `no log line with requestId ${requestId}`);
      expect(line.trace_id === traceId, `trace_id ${String(line.trace_id)}, sent ${traceId}`);
      expect(
        typeof line.span_id === 'string' && line.span_id !== parentSpanId,
        `span_id ${String(line.span_id)}`,
      );
      return `trace ${traceId}, span ${String(line.span_id)}`;
    },
  );
}

/**
 * The image's own command, as its own user on a read-only file system, uses the compile cache
 * the build made (services/task-service/dist/compile-cache): Node keeps one per user id, so a
 * cache made by another user would be silently ignored and every start would compile anew.
 * Without any configuration the program loads everything and stops at the configuration check
 * (exit 1), which is all this needs; Node's own debug output says what the cache served.
 */
export async function checkCompileCache(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
): Promise<void> {
  await checks.check(
    `${image}: the compile cache the build made serves the image's user`,
    async () => {
      const result = await sandbox.runToCompletion(
        { role: 'task-service-compile-cache', image, env: { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } },
        60_000,
      );
      expect(result.code === 1, `exit code ${result.code}, expected 1 (no configuration)`);
      const lines = result.stderr.split('\n');
      const accepted = lines.filter((line) => /V8 code cache for .* was accepted/.test(line));
      const program = `/app/${TASK_SERVICE_BUNDLE}`;
      expect(
        accepted.some((line) => line.includes(program)),
        `no accepted cache for ${program}: ${lines.filter((line) => line.includes(PROGRAM_BUNDLE)).join(' | ') || 'nothing about it'}`,
      );
      const rejected = lines.filter((line) => /rejected|mismatch|failed/i.test(line));
      expect(rejected.length === 0, `rejected: ${rejected.slice(0, 3).join(' | ')}`);
      return `${accepted.length} modules served from the cache, ${PROGRAM_BUNDLE} among them`;
    },
  );
}
