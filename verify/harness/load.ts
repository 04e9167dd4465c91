/**
 * The load driver: LOAD_CONNECTIONS loops (one keep-alive connection and one user each) that
 * create, list, complete and delete tasks as fast as the API answers, keeping every reply and
 * what the answers say about each task (compareWithTable holds the table to it).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { distribution, ms, percentile, type VerifyContext } from './context.ts';
import {
  contractProblems,
  createHttpClient,
  parseJson,
  type HttpRequest,
  type Reply,
} from './http.ts';

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

/** A task the load created, as the API's answers describe it: what the table must hold. */
interface Task extends StoredTask {
  etag: string;
  stored: boolean;
  /**
   * The write whose outcome no client can know, which ends the load's use of the task: one with
   * no response, or a failure answered while it was on its way to DynamoDB, may have been
   * applied with only its response lost.
   */
  ambiguous?: Write;
}

interface LoadOptions {
  baseUrl: string;
  /** User ids are `${userPrefix}-${loop}`. */
  userPrefix: string;
  durationMs?: number;
  /** Whether a failed write may have been applied anyway; one without a response always may. */
  mayHaveApplied?: (reply: Reply) => boolean;
}

export type LoadReply = Reply & { op: Operation };

type LoadResult = Awaited<ReturnType<typeof runLoad>>;

export async function runLoad(context: VerifyContext, options: LoadOptions) {
  const { userPrefix, durationMs = LOAD_DURATION_MS } = options;
  const client = createHttpClient(options.baseUrl, {
    connections: LOAD_CONNECTIONS,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const result = {
    replies: [] as LoadReply[],
    /** Answers openapi.yaml does not describe for their operation, and a few of them. */
    offContract: 0,
    offContractSamples: [] as string[],
    /** Every task the load tried to create; its writes answered 2xx, and otherwise (or not). */
    tasks: [] as Task[],
    acknowledged: 0,
    refused: 0,
    elapsedMs: 0,
  };
  const send = async (op: Operation, req: HttpRequest): Promise<Reply> => {
    const reply = await client.send(req);
    const problems = contractProblems(req, reply);
    if (problems.length > 0 && ++result.offContract <= 3) {
      result.offContractSamples.push(problems.join(', '));
    }
    // Kept for the checks to sort out afterwards, without a success's body (a list's is large).
    result.replies.push({ ...reply, op, body: reply.status === SUCCESS[op] ? '' : reply.body });
    return reply;
  };
  /** What the answer to a write of `task` says about it: a 2xx applies the write. */
  const answered = (task: Task, op: Write, reply: Reply): void => {
    if (reply.status === SUCCESS[op]) {
      result.acknowledged++;
      task.etag = String(reply.headers.etag);
      if (op === 'create') task.stored = true;
      if (op === 'complete') task.done = true;
      if (op === 'delete') task.stored = false;
    } else {
      result.refused++;
      if (reply.status === 0 || options.mayHaveApplied?.(reply)) task.ambiguous = op;
    }
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
    const userId = `${userPrefix}-${index}`;
    const auth = credentials[index]!;
    const json = { ...auth, 'content-type': 'application/json' };
    const mine: Task[] = [];
    for (let sequence = 0; performance.now() < started + durationMs; sequence++) {
      // Those in a known state (a careful client would re-read the others).
      const live = mine.filter((task) => task.stored && !task.ambiguous);
      const op = chooseOperation(live);
      let reply: Reply;
      if (op === 'list') {
        const query =
          Math.random() < 0.5 ? 'status=all&limit=20' : `status=open&from=${randomStartAt()}`;
        reply = await send(op, { method: 'GET', path: `/api/tasks?${query}`, headers: auth });
      } else if (op === 'create') {
        const title = `verify ${userId}#${sequence}`;
        const fields = { title, contents: `load ${sequence}`, startAt: randomStartAt() };
        const body = JSON.stringify(fields);
        reply = await send(op, { method: 'POST', path: '/api/tasks', headers: json, body });
        const { taskId } = (parseJson(reply.body) ?? {}) as { taskId?: string };
        const task: Task = { ...fields, userId, taskId, done: false, etag: '', stored: false };
        mine.push(task);
        result.tasks.push(task);
        answered(task, op, reply);
      } else {
        const task = pick(live.filter(({ done }) => op === 'delete' || !done));
        const path = `/api/tasks/${task.taskId}`;
        const headers = { ...auth, 'if-match': task.etag };
        reply = await send(
          op,
          op === 'complete'
            ? { method: 'PATCH', path, headers: { ...json, ...headers }, body: '{"done":true}' }
            : { method: 'DELETE', path, headers },
        );
        answered(task, op, reply);
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
  const latencies = load.replies.map((reply) => reply.ms);
  const seconds = load.elapsedMs / 1000;
  return [
    `${latencies.length} requests`,
    `${failedReplies(load).length} errors`,
    `${load.offContract} off the contract`,
    `p50 ${ms(percentile(latencies, 50))}`,
    `p99 ${ms(percentile(latencies, 99))}`,
    `max ${ms(percentile(latencies, 100))}`,
    `${Math.round(latencies.length / seconds)} req/s`,
    `${LOAD_CONNECTIONS} connections × ${seconds.toFixed(0)} s`,
    `mix ${distribution(load.replies.map(({ op }) => op))}`,
  ];
}

/** Replies other than their operation's success status, transport failures included. */
function failedReplies(load: LoadResult): LoadReply[] {
  return load.replies.filter((reply) => reply.status !== SUCCESS[reply.op]);
}

/** Every answer must be one openapi.yaml describes for its operation, whatever its status. */
export function contractFailures(load: LoadResult): string[] {
  if (load.offContract === 0) return [];
  const samples = load.offContractSamples.join(' | ');
  return [`${load.offContract} answers the contract does not describe, e.g. ${samples}`];
}

/** Every request must be answered with its operation's success status, as the contract says. */
export function loadFailures(load: LoadResult): string[] {
  if (load.replies.length === 0) return ['no request was made'];
  const failed = failedReplies(load);
  if (failed.length === 0) return contractFailures(load);
  const statuses = distribution(load.replies.map(({ status }) => status));
  const transportErrors = failed.filter(({ status }) => status === 0);
  const transport =
    distribution(transportErrors.map(({ error }) => error ?? 'unknown')) || 'no transport errors';
  const samples = failed
    .slice(0, 5)
    .map(({ op, status, error, body }) => `${op} → ${status || error} ${body.slice(0, 200)}`);
  return [
    `${failed.length} failed requests (statuses ${statuses}; ${transport}); e.g. ${samples.join(' | ')}`,
    ...contractFailures(load),
  ];
}

type Field = 'userId' | 'taskId' | 'contents' | 'startAt' | 'done';

/**
 * Compares what the API answered about each task with every task of the table: a definite answer
 * must agree with it; a write of unknown outcome is only counted, with whether it was applied.
 */
export function compareWithTable(load: LoadResult, stored: readonly StoredTask[]) {
  const result = { checked: 0, problems: [] as string[], ambiguous: 0, ambiguousApplied: 0 };
  const storedByTitle = new Map(stored.map((task) => [task.title, task]));
  for (const expected of load.tasks) {
    const { title } = expected;
    const found = storedByTitle.get(title);
    storedByTitle.delete(title);
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
      const differs: Record<Field, boolean> = {
        userId: found.userId !== expected.userId,
        taskId: expected.taskId !== undefined && found.taskId !== expected.taskId,
        contents: found.contents !== expected.contents,
        startAt: Date.parse(found.startAt) !== Date.parse(expected.startAt),
        done: found.done !== expected.done,
      };
      const differences = Object.keys(differs).filter((key) => differs[key as Field]);
      if (differences.length > 0) {
        result.problems.push(`${title} differs from what the API answered: ${differences}`);
      }
    }
  }
  for (const title of storedByTitle.keys()) result.problems.push(`unexpected task ${title}`);
  return result;
}
