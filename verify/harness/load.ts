/**
 * The load driver: LOAD_CONNECTIONS concurrent loops (one keep-alive connection and one user
 * each) that create, list, complete and delete tasks as fast as the API answers, for a bounded
 * time. Every write's outcome goes to a journal, so a check can later compare what the API
 * answered with what is actually in the table.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  countInto,
  distribution,
  LOAD_CONNECTIONS,
  LOAD_DURATION_MS,
  ms,
  percentile,
  REQUEST_TIMEOUT_MS,
  type VerifyContext,
} from './context.ts';
import { createHttpClient, jsonBody, type HttpRequest, type Reply } from './http.ts';

export type Operation = 'create' | 'list' | 'complete' | 'delete';
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

export interface LoadOptions {
  baseUrl: string;
  /** User ids are `${userPrefix}-${loop}`. */
  userPrefix: string;
  durationMs?: number;
  /** Sees every reply as it arrives (the outage check's phase bookkeeping). */
  onReply?: (op: Operation, reply: Reply) => void;
  /** Whether a failed write may have been applied anyway; one without a response always may. */
  mayHaveApplied?: (reply: Reply) => boolean;
}

export type LoadResult = Awaited<ReturnType<typeof runLoad>>;

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
    statuses: new Map<number, number>(),
    transportErrors: new Map<string, number>(),
    operations: new Map<Operation, number>(),
    /** A few unexpected replies, for the failure report. */
    samples: [] as string[],
    journal: new WriteJournal(),
    elapsedMs: 0,
  };
  const { journal } = result;
  const mayHaveApplied = (reply: Reply): boolean =>
    reply.status === 0 || (options.mayHaveApplied?.(reply) ?? false);
  const send = async (op: Operation, req: HttpRequest): Promise<Reply> => {
    const reply = await client.send(req);
    result.latencies.push(reply.ms);
    countInto(result.operations, op);
    countInto(result.statuses, reply.status);
    if (reply.status === 0) countInto(result.transportErrors, reply.error ?? 'unknown');
    if (reply.status !== SUCCESS[op]) {
      result.failed++;
      if (result.samples.length < 5) {
        result.samples.push(`${op} → ${reply.status || reply.error} ${reply.body.slice(0, 200)}`);
      }
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
    const live = new Map<string, { etag: string; done: boolean }>();
    for (let sequence = 0; performance.now() < started + durationMs;) {
      const op = chooseOperation([...live.values()]);
      let reply: Reply;
      if (op === 'create') {
        const title = `verify ${userPrefix} ${index}#${sequence++}`;
        const body = { title, contents: `load ${sequence}`, startAt: randomStartAt() };
        reply = await send(op, {
          method: 'POST',
          path: '/api/tasks',
          headers: json,
          body: JSON.stringify(body),
        });
        const { taskId } = (reply.status === 201 ? jsonBody(reply) : {}) as { taskId?: string };
        if (taskId) {
          journal.acknowledge(taskId, { ...body, done: false, deleted: false });
          live.set(taskId, { etag: String(reply.headers.etag), done: false });
        } else {
          journal.createRefused(title, mayHaveApplied(reply));
        }
      } else if (op === 'list') {
        const query =
          Math.random() < 0.5 ? 'status=all&limit=20' : `status=open&from=${randomStartAt()}`;
        reply = await send(op, { method: 'GET', path: `/api/tasks?${query}`, headers: auth });
      } else {
        const [taskId, task] = pick([...live].filter(([, t]) => op === 'delete' || !t.done));
        const path = `/api/tasks/${taskId}`;
        reply = await send(
          op,
          op === 'complete'
            ? {
                method: 'PATCH',
                path,
                headers: { ...json, 'if-match': task.etag },
                body: '{"done":true}',
              }
            : { method: 'DELETE', path, headers: { ...auth, 'if-match': task.etag } },
        );
        if (reply.status === SUCCESS[op]) {
          journal.acknowledge(taskId, op === 'complete' ? { done: true } : { deleted: true });
          if (op === 'complete') live.set(taskId, { etag: String(reply.headers.etag), done: true });
          else live.delete(taskId);
        } else {
          const ambiguous = mayHaveApplied(reply);
          journal.writeRefused(taskId, op, ambiguous);
          // Its state is unknown from here on: a careful client would re-read it; this one leaves it.
          if (ambiguous) live.delete(taskId);
        }
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
    `p50 ${ms(percentile(load.latencies, 50))}`,
    `p99 ${ms(percentile(load.latencies, 99))}`,
    `max ${ms(percentile(load.latencies, 100))}`,
    `${Math.round(requests / (load.elapsedMs / 1000))} req/s`,
    `${LOAD_CONNECTIONS} connections × ${(load.elapsedMs / 1000).toFixed(0)} s`,
    `mix ${distribution(load.operations)}`,
  ];
}

/** Every request must be answered with its operation's success status. */
export function loadFailures(load: LoadResult): string[] {
  if (load.latencies.length === 0) return ['no request was made'];
  if (load.failed === 0) return [];
  const transport = distribution(load.transportErrors) || 'no transport errors';
  return [
    `${load.failed} failed requests (statuses ${distribution(load.statuses)}; ${transport}); ` +
      `e.g. ${load.samples.join(' | ')}`,
  ];
}

/** A task as stored in the table (read directly, bypassing the API). */
export interface StoredTask {
  taskId: string;
  title: string;
  contents: string;
  startAt: string;
  done: boolean;
}

interface Expected extends Omit<StoredTask, 'taskId'> {
  deleted: boolean;
  /** The write of unknown outcome that ended the client's use of this task. */
  ambiguous?: 'complete' | 'delete';
}

/**
 * What the API told the load about each write, and so what the table must hold: every
 * acknowledged create present with its content (done once a completion was acknowledged), every
 * acknowledged delete gone, nothing refused stored. A write with no response, or with a failure
 * answered while it was on its way to DynamoDB (it may have been applied and only its response
 * lost), has an outcome no client can know: left out of the strict comparison, only counted.
 */
export class WriteJournal {
  private readonly tasks = new Map<string, Expected>();
  /** Creates answered with a failure, by (unique) title: whether they may have been applied. */
  private readonly refusedCreates = new Map<string, boolean>();
  /** Writes answered 2xx, and otherwise (or not at all). */
  acknowledged = 0;
  refused = 0;

  /** A write answered 2xx: a create's task, or what a completion or a delete changed. */
  acknowledge(taskId: string, change: Partial<Expected>): void {
    this.acknowledged++;
    this.tasks.set(taskId, { ...this.tasks.get(taskId)!, ...change });
  }

  createRefused(title: string, ambiguous: boolean): void {
    this.refused++;
    this.refusedCreates.set(title, ambiguous);
  }

  writeRefused(taskId: string, write: 'complete' | 'delete', ambiguous: boolean): void {
    this.refused++;
    if (ambiguous) this.tasks.get(taskId)!.ambiguous = write;
  }

  /** Compares with every task of the table. */
  compare(stored: readonly StoredTask[]) {
    const result = { checked: 0, problems: [] as string[], ambiguous: 0, ambiguousApplied: 0 };
    const unknown = (applied: boolean): void => {
      result.ambiguous++;
      if (applied) result.ambiguousApplied++;
    };
    const storedById = new Map(stored.map((task) => [task.taskId, task]));
    for (const [taskId, expected] of this.tasks) {
      const found = storedById.get(taskId);
      if (expected.ambiguous) {
        unknown(expected.ambiguous === 'delete' ? !found : found?.done === true);
        continue;
      }
      result.checked++;
      if (expected.deleted) {
        if (found) result.problems.push(`delete of ${taskId} answered 204 but not applied`);
      } else if (!found) {
        result.problems.push(`task ${taskId} (${expected.title}) gone, no 204 said so`);
      } else {
        const differences = (['title', 'contents', 'startAt', 'done'] as const).filter((key) =>
          key === 'startAt'
            ? Date.parse(found.startAt) !== Date.parse(expected.startAt)
            : found[key] !== expected[key],
        );
        if (differences.length > 0) {
          result.problems.push(`task ${taskId} differs from what the API answered: ${differences}`);
        }
      }
    }
    for (const [title, ambiguous] of this.refusedCreates) {
      const applied = stored.some((task) => task.title === title);
      if (ambiguous) {
        unknown(applied);
      } else {
        result.checked++;
        if (applied) result.problems.push(`create refused with a definite answer stored: ${title}`);
      }
    }
    for (const task of stored) {
      if (!this.tasks.has(task.taskId) && !this.refusedCreates.has(task.title)) {
        result.problems.push(`unexpected task ${task.taskId} (${task.title})`);
      }
    }
    return result;
  }
}
