/**
 * The load driver: LOAD_CONNECTIONS loops (one keep-alive connection and one user each) that
 * create, list, complete and delete tasks as fast as the API answers, journaling every write.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { contractProblems } from './api-fixture.ts';
import { distribution, ms, percentile, type VerifyContext } from './context.ts';
import { createHttpClient, parseJson, type HttpRequest, type Reply } from './http.ts';

/** The load: 50 connections for 30 s (VERIFY_LOAD_SECONDS shortens it). */
const LOAD_CONNECTIONS = 50;
const loadSeconds = Number(process.env.VERIFY_LOAD_SECONDS ?? '30');
if (!(loadSeconds >= 1)) throw new Error('VERIFY_LOAD_SECONDS must be at least 1 (seconds)');
export const LOAD_DURATION_MS = loadSeconds * 1000;
/** A request without a response after this long counts as hung. */
const REQUEST_TIMEOUT_MS = 10_000;

export type Operation = 'create' | 'list' | 'complete' | 'delete';
type Write = Exclude<Operation, 'list'>;
export const SUCCESS: Record<Operation, number> = {
  create: 201,
  list: 200,
  complete: 200,
  delete: 204,
};

/** Each user's live tasks stay below this, so a list costs the same at the end as at the start. */
const MAX_LIVE_TASKS = 30;
/** Start times fall in one week, so lists with a from/to window find something. */
const WEEK_START = Date.parse('2030-01-07T00:00:00Z');
const WEEK_MS = 7 * 24 * 3_600_000;

interface LoadOptions {
  baseUrl: string;
  /** User ids are `${userPrefix}-${loop}`. */
  userPrefix: string;
  durationMs?: number;
  /** Sees every reply as it arrives (the outage check's phase bookkeeping). */
  onReply?: (op: Operation, reply: Reply) => void;
  /** Whether a failed write may have been applied anyway; one without a response always may. */
  mayHaveApplied?: (reply: Reply) => boolean;
}

type LoadResult = Awaited<ReturnType<typeof runLoad>>;

export async function runLoad(context: VerifyContext, options: LoadOptions) {
  const { userPrefix, durationMs = LOAD_DURATION_MS } = options;
  const client = createHttpClient(options.baseUrl, {
    connections: LOAD_CONNECTIONS,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const result = {
    latencies: [] as number[],
    /** Replies other than the operation's success status, transport failures included. */
    failed: 0,
    statuses: [] as number[],
    transportErrors: [] as string[],
    operations: [] as Operation[],
    /** A few unexpected replies, for the failure report. */
    samples: [] as string[],
    /** Answers openapi.yaml does not describe for their operation, and a few of them. */
    offContract: 0,
    offContractSamples: [] as string[],
    journal: new WriteJournal(),
    elapsedMs: 0,
  };
  const mayHaveApplied = (reply: Reply): boolean =>
    reply.status === 0 || (options.mayHaveApplied?.(reply) ?? false);
  const send = async (op: Operation, req: HttpRequest): Promise<Reply> => {
    const reply = await client.send(req);
    result.latencies.push(reply.ms);
    result.operations.push(op);
    result.statuses.push(reply.status);
    if (reply.status === 0) result.transportErrors.push(reply.error ?? 'unknown');
    if (reply.status !== SUCCESS[op]) {
      result.failed++;
      if (result.samples.length < 5) {
        result.samples.push(`${op} → ${reply.status || reply.error} ${reply.body.slice(0, 200)}`);
      }
    }
    const problems = contractProblems(req, reply);
    if (problems.length > 0 && ++result.offContract <= 3) {
      result.offContractSamples.push(problems.join(', '));
    }
    options.onReply?.(op, reply);
    return reply;
  };
  const randomStartAt = (): string =>
    new Date(WEEK_START + Math.floor(Math.random() * WEEK_MS)).toISOString();

  // Every loop's token first, so signing in is no part of the measured load.
  const credentials = await Promise.all(
    Array.from({ length: LOAD_CONNECTIONS }, (_, index) =>
      context.credentials(`${userPrefix}-${index}`),
    ),
  );
  const started = performance.now();
  const loop = async (index: number): Promise<void> => {
    const auth = credentials[index]!;
    const json = { ...auth, 'content-type': 'application/json' };
    const live = new Map<string, { title: string; etag: string; done: boolean }>();
    for (let sequence = 0; performance.now() < started + durationMs;) {
      const op = chooseOperation([...live.values()]);
      let reply: Reply;
      if (op === 'list') {
        const query =
          Math.random() < 0.5 ? 'status=all&limit=20' : `status=open&from=${randomStartAt()}`;
        reply = await send(op, { method: 'GET', path: `/api/tasks?${query}`, headers: auth });
      } else if (op === 'create') {
        const title = `verify ${userPrefix} ${index}#${sequence++}`;
        const task = { title, contents: `load ${sequence}`, startAt: randomStartAt() };
        const body = JSON.stringify(task);
        reply = await send(op, { method: 'POST', path: '/api/tasks', headers: json, body });
        const { taskId } = (reply.status === 201 ? parseJson(reply.body) : {}) as {
          taskId?: string;
        };
        if (taskId) live.set(taskId, { title, etag: String(reply.headers.etag), done: false });
        const owner = { userId: `${userPrefix}-${index}`, ...(taskId && { taskId }) };
        result.journal.create({ ...task, ...owner }, Boolean(taskId), mayHaveApplied(reply));
      } else {
        const [taskId, task] = pick([...live].filter(([, t]) => op === 'delete' || !t.done));
        const path = `/api/tasks/${taskId}`;
        const headers = { ...auth, 'if-match': task.etag };
        reply = await send(
          op,
          op === 'complete'
            ? { method: 'PATCH', path, headers: { ...json, ...headers }, body: '{"done":true}' }
            : { method: 'DELETE', path, headers },
        );
        const acknowledged = reply.status === SUCCESS[op];
        if (acknowledged && op === 'complete') {
          live.set(taskId, { ...task, etag: String(reply.headers.etag), done: true });
        } else if (acknowledged || mayHaveApplied(reply)) {
          // Deleted, or in a state unknown from here on (a careful client would re-read it).
          live.delete(taskId);
        }
        result.journal.write(task.title, op, acknowledged, mayHaveApplied(reply));
      }
      // A loop that only meets instant failures (nothing listening) must not spin the CPU.
      if (reply.status === 0) await sleep(5);
    }
  };

  await Promise.all(Array.from({ length: LOAD_CONNECTIONS }, (_, index) => loop(index)));
  result.elapsedMs = performance.now() - started;
  client.close();
  return result;
}

function chooseOperation(live: ReadonlyArray<{ done: boolean }>): Operation {
  if (live.length === 0) return 'create';
  if (live.length >= MAX_LIVE_TASKS) return 'delete';
  const r = Math.random();
  if (r < 0.3) return 'create';
  if (r < 0.65) return 'list';
  if (r < 0.85) return live.some((task) => !task.done) ? 'complete' : 'list';
  return 'delete';
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}

export function loadFigures(load: LoadResult): string[] {
  const requests = load.latencies.length;
  return [
    `${requests} requests`,
    `${load.failed} errors`,
    `${load.offContract} off the contract`,
    `p50 ${ms(percentile(load.latencies, 50))}`,
    `p99 ${ms(percentile(load.latencies, 99))}`,
    `max ${ms(percentile(load.latencies, 100))}`,
    `${Math.round(requests / (load.elapsedMs / 1000))} req/s`,
    `${LOAD_CONNECTIONS} connections × ${(load.elapsedMs / 1000).toFixed(0)} s`,
    `mix ${distribution(load.operations)}`,
  ];
}

/** Every answer must be one openapi.yaml describes for its operation, whatever its status. */
export function contractFailures(load: LoadResult): string[] {
  if (load.offContract === 0) return [];
  const samples = load.offContractSamples.join(' | ');
  return [`${load.offContract} answers the contract does not describe, e.g. ${samples}`];
}

/** Every request must be answered with its operation's success status, as the contract says. */
export function loadFailures(load: LoadResult): string[] {
  if (load.latencies.length === 0) return ['no request was made'];
  const transport = distribution(load.transportErrors) || 'no transport errors';
  const failed =
    load.failed === 0
      ? []
      : [
          `${load.failed} failed requests (statuses ${distribution(load.statuses)}; ${transport}); ` +
            `e.g. ${load.samples.join(' | ')}`,
        ];
  return [...failed, ...contractFailures(load)];
}

/** A task as stored in the table (read directly, bypassing the API). */
export interface StoredTask {
  userId: string;
  /** Unknown to the client when its create was not answered 201. */
  taskId?: string;
  title: string;
  contents: string;
  startAt: string;
  done: boolean;
}

interface Expected extends StoredTask {
  stored: boolean;
  /** The write of unknown outcome that ended the client's use of this task. */
  ambiguous?: Write;
}

/**
 * What the API told the load about each write, and so what the table must hold. A write with no
 * response, or a failure answered while it was on its way to DynamoDB, may have been applied
 * with only its response lost: its outcome no client can know, so it is only counted.
 */
class WriteJournal {
  /** Every task the load tried to create, by its (unique) title. */
  private readonly tasks = new Map<string, Expected>();
  /** Writes answered 2xx, and otherwise (or not at all). */
  acknowledged = 0;
  refused = 0;

  create(task: Omit<StoredTask, 'done'>, acknowledged: boolean, ambiguous: boolean): void {
    this.tasks.set(task.title, { ...task, done: false, stored: acknowledged });
    this.write(task.title, 'create', acknowledged, ambiguous);
  }

  /** A write's answer: a 2xx applies it, a failure of unknown outcome leaves the task unknown. */
  write(title: string, op: Write, acknowledged: boolean, ambiguous: boolean): void {
    const task = this.tasks.get(title)!;
    if (acknowledged) {
      this.acknowledged++;
      if (op === 'complete') task.done = true;
      if (op === 'delete') task.stored = false;
    } else {
      this.refused++;
      if (ambiguous) task.ambiguous = op;
    }
  }

  /** Compares with every task of the table. */
  compare(stored: readonly StoredTask[]) {
    const result = { checked: 0, problems: [] as string[], ambiguous: 0, ambiguousApplied: 0 };
    const storedByTitle = new Map(stored.map((task) => [task.title, task]));
    for (const [title, expected] of this.tasks) {
      const found = storedByTitle.get(title);
      if (expected.ambiguous) {
        result.ambiguous++;
        const applied = { create: !!found, complete: found?.done, delete: !found };
        if (applied[expected.ambiguous]) result.ambiguousApplied++;
        continue;
      }
      result.checked++;
      if (!found) {
        if (expected.stored) result.problems.push(`${title}: gone, though no 204 said so`);
      } else if (!expected.stored) {
        result.problems.push(`${title}: stored, though refused or deleted with a definite answer`);
      } else {
        const differences = (['userId', 'taskId', 'contents', 'startAt', 'done'] as const).filter(
          (key) =>
            key === 'startAt'
              ? Date.parse(found.startAt) !== Date.parse(expected.startAt)
              : key === 'taskId'
                ? expected.taskId !== undefined && found.taskId !== expected.taskId
                : found[key] !== expected[key],
        );
        if (differences.length > 0) {
          result.problems.push(`${title} differs from what the API answered: ${differences}`);
        }
      }
    }
    for (const { title } of stored) {
      if (!this.tasks.has(title)) result.problems.push(`unexpected task ${title}`);
    }
    return result;
  }
}
