/** task-reporter run as the CronJob's Pod runs it; the report read back through task-service. */
import assert from 'node:assert/strict';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import type { SmokeSignIn } from './identity.ts';
import { images } from './images.ts';
import { SMOKE_ADMIN, SMOKE_USER, TRACING, type Task } from './service.ts';
import type { Env, Smoke } from './sandbox.ts';
import { expectJson, expectStatus, FAILED, jsonLines, request, secondsSince } from './support.ts';

const image = images.reporter.tag;

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(instant));
}

/** A run for `date`, then with tracing on and the collector down: one trace id, one warning. */
export async function runReporter({ check, sandbox }: Smoke, env: Env, date: string) {
  const command = [...REPORTER_COMMAND, '--date', date];
  const runJob = async (role: string, jobEnv: Env) => {
    const result = await sandbox.run({ role, image, command, env: jobEnv }, 120_000);
    assert.equal(result.code, 0, `exit code ${result.code}: ${result.stdout}${result.stderr}`);
    return jsonLines(result.stdout);
  };
  const ran = await check(`${image}: ${command.join(' ')} exits 0`, async () => {
    const started = performance.now();
    const lines = await runJob('task-reporter', env);
    return `${secondsSince(started)}; stdout ${lines.length} lines, all JSON`;
  });
  if (ran === FAILED) return false;
  await check(
    `${image}: with tracing on and the collector down, still exits 0, every log line in one trace`,
    async () => {
      const lines = await runJob('task-reporter-traced', { ...env, ...TRACING });
      const traces = new Set(
        lines.filter((line) => line.level === 'info').map((line) => line.trace_id),
      );
      assert.ok(
        traces.size === 1 && !traces.has(undefined),
        `trace ids: ${[...traces].join(', ')}`,
      );
      assert.equal(lines.at(-1)?.msg, "the run's spans could not be exported before exit");
      return `trace ${[...traces][0]}; the lost spans logged once`;
    },
  );
  return true;
}

/** The report of `date` through task-service: true when an admin could read it. */
export async function checkReport(
  { check }: Smoke,
  base: string,
  date: string,
  task: Task,
  signIn: SmokeSignIn,
) {
  const service = images.service.tag;
  const url = `${base}/api/reports/${date}`;
  const readable = await check(
    `${service}: GET /api/reports/${date} as an admin shows the task`,
    async () => {
      const response = await request(url, { headers: await signIn.bearer(SMOKE_ADMIN) });
      type Report = { count: number; timeZone: string; items: { taskId: string }[] };
      const report = expectJson<Report>(response, 200, `GET /api/reports/${date}`);
      const line = report.items.find((item) => item.taskId === task.taskId);
      assert.ok(line, `task ${task.taskId} not among ${report.items.length} report lines`);
      assert.partialDeepStrictEqual(line, { userId: SMOKE_USER }, 'the report line names the user');
      return `count ${report.count}, time zone ${report.timeZone}`;
    },
  );

  await check(`${service}: the report as CSV, and 403 for a non-admin`, async () => {
    const headers = { ...(await signIn.bearer(SMOKE_ADMIN)), Accept: 'text/csv' };
    const csv = await request(url, { headers });
    expectStatus(csv, 200, 'CSV');
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(csv.body.split(/\r?\n/)[0], 'taskId,userId,title,completedAt', 'CSV header');
    assert.ok(csv.body.includes(task.taskId), 'CSV lacks the task');
    const forbidden = await request(url, { headers: await signIn.bearer(SMOKE_USER) });
    assert.equal(forbidden.status, 403, 'non-admin');
  });
  return readable !== FAILED;
}
