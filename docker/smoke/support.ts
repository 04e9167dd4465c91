/**
 * What the checks are made of: node:test subtests, the docker CLI, HTTP from the host to the
 * published ports, and what the containers print.
 */
import assert from 'node:assert/strict';
import { execFile, type ExecFileException, type ExecFileOptions } from 'node:child_process';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { eventually } from '@task-manager/testing';

/**
 * Runs one check as a subtest of the run's test: `body` throws to fail. Resolves to its value
 * (undefined when it failed, so that callers skip what depends on it); a string it returns, or
 * `detail` of its value, is reported with the check.
 */
export type Check = <T>(
  name: string,
  body: () => T | Promise<T>,
  detail?: (value: T) => string,
) => Promise<T | undefined>;

export function checksOf(t: TestContext): Check {
  return async (name, body, detail = (value) => (typeof value === 'string' ? value : '')) => {
    let outcome;
    await t.test(name, async (check) => {
      const value = await body();
      const text = detail(value);
      if (text) check.diagnostic(text);
      outcome = value;
    });
    return outcome;
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

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
    const killed = failed.killed ? `\n(killed after ${String(options.timeout)} ms)` : '';
    return {
      code: failed.code ?? 128,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr + killed,
    };
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

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as the JSON body. */
  json?: unknown;
  timeoutMs?: number;
}

/** A request from the host; redirects are answers, not followed. */
export async function request(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const { json, timeoutMs = 10_000 } = options;
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      ...options.headers,
      ...(json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Fails unless `response` has `status`, showing the start of its body. */
export function expectStatus(response: HttpResponse, status: number, what: string): void {
  assert.equal(
    response.status,
    status,
    `${what}: ${response.status} ${response.body.slice(0, 300)}`,
  );
}

/**
 * Seconds until `url` answers 200, asked every `periodMs` with `attemptMs` to answer, as the
 * kubelet probes; fails after `timeoutMs`.
 */
export async function probe(
  url: string,
  { periodMs = 500, attemptMs = 2000, timeoutMs = 30_000 } = {},
): Promise<number> {
  const started = performance.now();
  await eventually(
    async () => {
      const response = await request(url, { timeoutMs: attemptMs });
      assert.equal(
        response.status,
        200,
        `${url}: ${response.status} ${response.body.slice(0, 200)}`,
      );
    },
    { timeoutMs, intervalMs: periodMs },
  );
  return (performance.now() - started) / 1000;
}

/** Waits until a container prints `pattern`, failing at once (with its output) if it stops. */
export async function waitForOutput(
  container: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { stdout, stderr } = await docker(['logs', container]);
    if (pattern.test(stdout) || pattern.test(stderr)) return;
    const state = (await docker(['inspect', '--format', '{{.State.Status}}', container])).stdout;
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-10).join('\n');
    assert.ok(
      state.trim() === 'running' && performance.now() < deadline,
      `${container} is ${state.trim()} without printing ${pattern}; output:\n${tail}`,
    );
    await sleep(200);
  }
}

/** stdout's lines, each of which must be a JSON object: log collectors parse them one by one. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  assert.ok(lines.length > 0, 'nothing on stdout');
  return lines.map((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Not JSON: fails below.
    }
    assert.ok(
      typeof value === 'object' && value !== null && !Array.isArray(value),
      `stdout line ${index + 1} of ${lines.length} is not a JSON object: ${line}`,
    );
    return value as Record<string, unknown>;
  });
}

/**
 * Fails unless PID 1 of a running container is `program` (matching its first word, with
 * `argument` among the rest) as `user`: PID 1 gets the SIGTERM, and the app is not root.
 */
export async function expectPid1(
  container: string,
  program: RegExp,
  user: string,
  argument?: string,
): Promise<string> {
  const status = await dockerChecked(['exec', container, 'cat', '/proc/1/status']);
  const cmdline = await dockerChecked(['exec', container, 'cat', '/proc/1/cmdline']);
  const id = (field: string) => new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1];
  const command = cmdline.split('\0').filter(Boolean);
  const described = `PID 1 is \`${command.join(' ')}\` as ${id('Uid')}:${id('Gid')}`;
  assert.match(command[0] ?? '', program, described);
  assert.ok(argument === undefined || command.includes(argument), described);
  assert.equal(`${id('Uid')}:${id('Gid')}`, user, described);
  return described;
}
