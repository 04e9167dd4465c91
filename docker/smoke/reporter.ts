/**
 * task-reporter run once, as the CronJob's Pod runs it, for the day the task was completed on;
 * then the report is read back through task-service.
 */
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { parseJson, request } from './http.ts';
import { expectJsonLines, parseJsonLines } from './json-lines.ts';
import type { SmokeSignIn } from './identity.ts';
import type { Sandbox } from './sandbox.ts';
import { SMOKE_ADMIN, SMOKE_USER, type Task } from './service.ts';

interface Report {
  date: string;
  timeZone: string;
  count: number;
  items: Array<{ taskId: string; userId: string; title: string; completedAt: string }>;
}

/** The calendar day (YYYY-MM-DD) of `instant` in `timeZone`. */
export function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/** One run of the job for `date`, as the CronJob's Pod runs it; throws unless it exits 0. */
async function runJob(
  sandbox: Sandbox,
  role: string,
  image: string,
  env: Readonly<Record<string, string>>,
  date: string,
): Promise<string> {
  const result = await sandbox.runToCompletion(
    // The CronJob's command, with the arguments of a one-off run.
    { role, image, command: [...REPORTER_COMMAND, '--date', date], env },
    120_000,
  );
  expect(result.code === 0, `exit code ${result.code}: ${result.stdout}${result.stderr}`);
  expectJsonLines(result.stdout);
  return result.stdout;
}

export async function runReporter(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  env: Readonly<Record<string, string>>,
  date: string,
): Promise<boolean> {
  const command = [...REPORTER_COMMAND, '--date', date];
  return checks.check(`${image}: ${command.join(' ')} exits 0`, async () => {
    const started = performance.now();
    const stdout = await runJob(sandbox, 'task-reporter', image, env, date);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `${seconds} s; stdout ${expectJsonLines(stdout)}`;
  });
}

/**
 * The same run with tracing on, as the tracing component configures it, but with nothing
 * listening at the OTLP endpoint: the production image must load the SDK and its
 * instrumentation (every log line then carries the run's trace id), and a collector that is
 * down must change nothing but one warning.
 */
export async function runTracedReporter(
  checks: Checks,
  sandbox: Sandbox,
  image: string,
  env: Readonly<Record<string, string>>,
  date: string,
): Promise<boolean> {
  return checks.check(
    `${image}: with tracing on and the collector down, still exits 0, every log line in one trace`,
    async () => {
      // A port nothing listens on, in the container's own network namespace.
      const tracing = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
      const stdout = await runJob(sandbox, 'task-reporter-traced', image, tracing, date);
      const lines = parseJsonLines(stdout);
      const traces = new Set(
        lines.filter((line) => line.level === 'info').map((line) => line.trace_id),
      );
      expect(traces.size === 1 && !traces.has(undefined), `trace ids: ${[...traces].join(', ')}`);
      const warning = lines.at(-1);
      expect(
        warning?.msg === "the run's spans could not be exported before exit",
        `last line: ${JSON.stringify(warning)}`,
      );
      return `trace ${[...traces][0]}; the lost spans logged once`;
    },
  );
}

export async function checkReport(
  checks: Checks,
  image: string,
  base: string,
  date: string,
  task: Task,
  signIn: SmokeSignIn,
): Promise<boolean> {
  const readable = await checks.check(
    `${image}: GET /api/reports/${date} as an admin shows the task`,
    async () => {
      const response = await request(`${base}/api/reports/${date}`, {
        headers: await signIn.bearer(SMOKE_ADMIN),
      });
      expect(response.status === 200, `${response.status} ${response.body.slice(0, 300)}`);
      const report = parseJson<Report>(response);
      const line = report.items.find((item) => item.taskId === task.taskId);
      expect(line, `task ${task.taskId} not among ${report.items.length} report lines`);
      expect(line.userId === SMOKE_USER, `report line has userId ${line.userId}`);
      return `count ${report.count}, time zone ${report.timeZone}`;
    },
  );

  await checks.check(`${image}: the report as CSV, and 403 for a non-admin`, async () => {
    const csv = await request(`${base}/api/reports/${date}`, {
      headers: { ...(await signIn.bearer(SMOKE_ADMIN)), Accept: 'text/csv' },
    });
    expect(csv.status === 200, `CSV: ${csv.status} ${csv.body.slice(0, 200)}`);
    expect(csv.headers.get('content-type')?.startsWith('text/csv'), 'CSV: wrong Content-Type');
    const [header] = csv.body.split(/\r?\n/);
    expect(header === 'taskId,userId,title,completedAt', `CSV header is ${header}`);
    expect(csv.body.includes(task.taskId), 'CSV lacks the task');
    const forbidden = await request(`${base}/api/reports/${date}`, {
      headers: await signIn.bearer(SMOKE_USER),
    });
    expect(forbidden.status === 403, `non-admin got ${forbidden.status}`);
  });
  return readable;
}
