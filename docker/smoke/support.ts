/** What the checks are made of: node:test subtests, the docker CLI and HTTP from the host. */
import assert from 'node:assert/strict';
import { execFile, type ExecFileException, type ExecFileOptions } from 'node:child_process';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { eventually } from '@task-manager/testing';

/** What a check that failed returns: unlike undefined, no body returns it. */
export const FAILED = Symbol('failed');

/** One check, a subtest (`t`): `body` throws to fail. Its value, or FAILED; a string is reported. */
export type Check = <T>(
  name: string,
  body: (t: TestContext) => T | Promise<T>,
) => Promise<T | typeof FAILED>;

export function checksOf(t: TestContext): Check {
  return async (name, body) => {
    let outcome: Awaited<ReturnType<typeof body>> | typeof FAILED = FAILED;
    await t.test(name, async (check) => {
      outcome = await body(check);
      if (typeof outcome === 'string' && outcome) check.diagnostic(outcome);
    });
    return outcome;
  };
}

export type CommandResult = { code: number; stdout: string; stderr: string };

const execFileAsync = promisify(execFile);

/** Runs the docker CLI; a non-zero exit is a result, not an error. */
export async function docker(
  args: readonly string[],
  options: ExecFileOptions = {},
): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', args, {
      maxBuffer: 256 * 1024 * 1024,
      killSignal: 'SIGKILL',
      ...options,
      encoding: 'utf8',
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as ExecFileException & { stdout?: string; stderr?: string };
    // A string code (ENOENT) means there is no docker CLI at all.
    if (typeof failed.code === 'string') throw error;
    const stderr = `${failed.stderr}${failed.killed ? `\n(killed after ${options.timeout} ms)` : ''}`;
    return { code: failed.code ?? 128, stdout: failed.stdout ?? '', stderr };
  }
}

/** docker's stdout; throws with the end of its output unless it exits 0. */
export async function dockerChecked(
  args: readonly string[],
  options?: ExecFileOptions,
): Promise<string> {
  const { code, stdout, stderr } = await docker(args, options);
  const output = (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
  if (code !== 0) throw new Error(`\`docker ${args.join(' ')}\` exited with ${code}:\n${output}`);
  return stdout;
}

export type HttpResponse = { status: number; headers: Headers; body: string };

/** A request from the host, `json` its body; redirects are answers, not followed. */
export async function request(
  url: string,
  options: Omit<RequestInit, 'headers'> & {
    headers?: Record<string, string>;
    json?: unknown;
    timeoutMs?: number;
  } = {},
): Promise<HttpResponse> {
  const { json, timeoutMs = 10_000, ...init } = options;
  if (json !== undefined) {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(json);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { redirect: 'manual', signal, ...init });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Fails unless `response` has `status`, showing the start of its body. */
export function expectStatus({ status, body }: HttpResponse, expected: number, what: string) {
  assert.equal(status, expected, `${what}: ${status} ${body.slice(0, 300)}`);
}

/** expectStatus(), then the body's JSON. */
export function expectJson<T>(response: HttpResponse, status: number, what: string): T {
  expectStatus(response, status, what);
  return JSON.parse(response.body) as T;
}

/** The seconds from `started` to `ended` (performance.now() values), as reported: "1.2 s". */
export const secondsSince = (started: number, ended = performance.now()): string =>
  `${((ended - started) / 1000).toFixed(1)} s`;

/**
 * Waits until `url` answers 200, with `includes` in its body, as the kubelet probes: every
 * `periodMs`, `attemptMs` each. Reports how long it took.
 */
export async function probe(
  url: string,
  { periodMs = 500, attemptMs = 2000, timeoutMs = 30_000, includes = '' } = {},
): Promise<string> {
  const started = performance.now();
  const answers = async () => {
    const response = await request(url, { timeoutMs: attemptMs });
    expectStatus(response, 200, url);
    assert.ok(response.body.includes(includes), `${url} does not show ${includes}`);
  };
  await eventually(answers, { timeoutMs, intervalMs: periodMs });
  return secondsSince(started);
}

/** Progress notes go to stderr: stdout is node:test's report. */
export const note = (message: string): void => void process.stderr.write(`# ${message}\n`);

/** stdout's lines, each of which must be a JSON object: log collectors parse them one by one. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  assert.ok(lines.length > 0, 'nothing on stdout');
  return lines.map((line, index) => {
    let value: unknown;
    const where = `stdout line ${index + 1} of ${lines.length}`;
    assert.doesNotThrow(() => (value = JSON.parse(line)), `${where}: ${line}`);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    assert.ok(isObject, `${where} is not a JSON object: ${line}`);
    return value as Record<string, unknown>;
  });
}

/**
 * PID 1 of a running container (the one that gets the SIGTERM): `program` (its first word, or
 * that and a colon, as nginx shows itself), with `argument` among the rest, as `user`.
 */
export async function expectPid1(
  container: string,
  program: string,
  user: string,
  argument?: string,
): Promise<string> {
  const read = (file: string) => dockerChecked(['exec', container, 'cat', `/proc/1/${file}`]);
  const [status, cmdline] = await Promise.all([read('status'), read('cmdline')]);
  const id = (field: string) => new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1];
  const command = cmdline.split('\0').filter(Boolean);
  const described = `PID 1 is \`${command.join(' ')}\` as ${id('Uid')}:${id('Gid')}`;
  assert.match(command[0] ?? '', new RegExp(`^${program}(:|$)`), described);
  assert.ok(argument === undefined || command.includes(argument), described);
  assert.equal(`${id('Uid')}:${id('Gid')}`, user, described);
  return described;
}
