/**
 * task-reporter run once, as the CronJob's Pod runs it, for the day the task was completed on;
 * then the report is read back through task-service.
 */
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import type { Checks } from './checks.ts';
import { expect } from './checks.ts';
import { parseJson, request } from './http.ts';
import { expectJsonLines } from './json-lines.ts';
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
    const result = await sandbox.runToCompletion(
      {
        role: 'task-reporter',
        image,
        // The CronJob's command, with the arguments of a one-off run.
        command,
        env,
      },
      120_000,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    expect(result.code === 0, `exit code ${result.code}: ${result.stdout}${result.stderr}`);
    return `${seconds} s; stdout ${expectJsonLines(result.stdout)}`;
  });
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
