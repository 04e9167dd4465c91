/**
 * The load driver: a fixed pool of concurrent loops (one keep-alive connection and one user
 * each) that create, list, complete and delete tasks as fast as the API answers, for a bounded
 * time. Every write's outcome goes to a journal, so a check can later compare what the API
 * acknowledged with what is actually in the table.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpClient, jsonBody, type Reply } from './http.ts';
import { LatencyRecorder } from './stats.ts';
import { WriteJournal } from './write-journal.ts';

export type Operation = 'create' | 'list' | 'complete' | 'delete';

const EXPECTED_STATUS: Record<Operation, number> = {
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
  connections: number;
  durationMs: number;
  /** User ids are `${userPrefix}-${loop}`. */
  userPrefix: string;
  /** The Authorization header of a user (fetched before the load starts). */
  credentials: (userId: string) => Promise<Record<string, string>>;
  /** Per-request deadline: a request without a response by then counts as hung. */
  timeoutMs: number;
  /** Sees every reply as it arrives (phase bookkeeping of the outage check). */
  onReply?: (op: Operation, reply: Reply) => void;
  /**
   * Whether a failed write may nevertheless have been applied (it was in flight when the
   * connection to DynamoDB broke). A write without any response always may.
   */
  mayHaveApplied?: (reply: Reply) => boolean;
}

export interface LoadResult {
  requests: number;
  /** Replies other than the operation's success status, transport failures included. */
  failed: number;
  statuses: Map<number, number>;
  /** Transport failures by message (status 0). */
  transportErrors: Map<string, number>;
  latency: LatencyRecorder;
  elapsedMs: number;
  operations: Map<Operation, number>;
  journal: WriteJournal;
  userIds: string[];
  /** A few unexpected replies, for the failure report. */
  samples: string[];
}

interface LiveTask {
  etag: string;
  done: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const client = createHttpClient(options.baseUrl, {
    connections: options.connections,
    timeoutMs: options.timeoutMs,
  });
  const result: LoadResult = {
    requests: 0,
    failed: 0,
    statuses: new Map(),
    transportErrors: new Map(),
    latency: new LatencyRecorder(),
    elapsedMs: 0,
    operations: new Map(),
    journal: new WriteJournal(),
    userIds: [],
    samples: [],
  };
  // Every loop's token first, so signing in is no part of the measured load.
  const credentials = await Promise.all(
    Array.from({ length: options.connections }, (_, index) =>
      options.credentials(`${options.userPrefix}-${index}`),
    ),
  );
  const started = performance.now();
  const deadline = started + options.durationMs;
  const mayHaveApplied = (reply: Reply): boolean =>
    reply.status === 0 || (options.mayHaveApplied?.(reply) ?? false);

  const record = (op: Operation, reply: Reply): void => {
    result.requests++;
    result.latency.record(reply.ms);
    result.operations.set(op, (result.operations.get(op) ?? 0) + 1);
    result.statuses.set(reply.status, (result.statuses.get(reply.status) ?? 0) + 1);
    if (reply.status === 0) {
      const key = reply.error ?? 'unknown';
      result.transportErrors.set(key, (result.transportErrors.get(key) ?? 0) + 1);
    }
    if (reply.status !== EXPECTED_STATUS[op]) {
      result.failed++;
      if (result.samples.length < 5) {
        result.samples.push(`${op} → ${reply.status || reply.error} ${reply.body.slice(0, 200)}`);
      }
    }
    options.onReply?.(op, reply);
  };

  const loop = async (index: number): Promise<void> => {
    const userId = `${options.userPrefix}-${index}`;
    result.userIds.push(userId);
    const headers = credentials[index]!;
    const json = { ...headers, 'content-type': 'application/json' };
    const live = new Map<string, LiveTask>();
    let sequence = 0;
    let lastStatus = -1;
    const note = (op: Operation, reply: Reply): void => {
      lastStatus = reply.status;
      record(op, reply);
    };

    while (performance.now() < deadline) {
      const op = chooseOperation(live);
      if (op === 'create') {
        const title = `verify ${options.userPrefix} ${index}#${sequence++}`;
        const startAt = new Date(WEEK_START + Math.floor(Math.random() * WEEK_MS)).toISOString();
        const body = { title, contents: `load ${sequence}`, startAt };
        const reply = await client.send({
          method: 'POST',
          path: '/api/tasks',
          headers: json,
          body: JSON.stringify(body),
        });
        note(op, reply);
        const task = reply.status === 201 ? (jsonBody(reply) as { taskId?: string }) : undefined;
        if (task?.taskId) {
          result.journal.created(userId, task.taskId, { ...body, done: false });
          live.set(task.taskId, { etag: String(reply.headers.etag), done: false });
        } else {
          result.journal.createRefused(userId, title, mayHaveApplied(reply));
        }
      } else if (op === 'list') {
        const from = new Date(WEEK_START + Math.floor(Math.random() * WEEK_MS)).toISOString();
        const query = Math.random() < 0.5 ? 'status=all&limit=20' : `status=open&from=${from}`;
        note(op, await client.send({ method: 'GET', path: `/api/tasks?${query}`, headers }));
      } else if (op === 'complete') {
        const [taskId, task] = pick([...live].filter(([, t]) => !t.done));
        const reply = await client.send({
          method: 'PATCH',
          path: `/api/tasks/${taskId}`,
          headers: { ...json, 'if-match': task.etag },
          body: JSON.stringify({ done: true }),
        });
        note(op, reply);
        if (reply.status === 200) {
          result.journal.completed(taskId);
          live.set(taskId, { etag: String(reply.headers.etag), done: true });
        } else {
          const ambiguous = mayHaveApplied(reply);
          result.journal.writeRefused(taskId, 'complete', ambiguous);
          // Its state is unknown from here on: a careful client would re-read it; we leave it.
          if (ambiguous) live.delete(taskId);
        }
      } else {
        const [taskId, task] = pick([...live]);
        const reply = await client.send({
          method: 'DELETE',
          path: `/api/tasks/${taskId}`,
          headers: { ...headers, 'if-match': task.etag },
        });
        note(op, reply);
        if (reply.status === 204) {
          result.journal.deleted(taskId);
          live.delete(taskId);
        } else {
          const ambiguous = mayHaveApplied(reply);
          result.journal.writeRefused(taskId, 'delete', ambiguous);
          if (ambiguous) live.delete(taskId);
        }
      }
      // A loop that only meets instant failures (nothing listening) must not spin the CPU.
      if (lastStatus === 0) await sleep(5);
    }
  };

  await Promise.all(Array.from({ length: options.connections }, (_, index) => loop(index)));
  result.elapsedMs = performance.now() - started;
  client.close();
  return result;
}

function chooseOperation(live: ReadonlyMap<string, LiveTask>): Operation {
  if (live.size === 0) return 'create';
  if (live.size >= MAX_LIVE_TASKS) return 'delete';
  const open = [...live.values()].some((task) => !task.done);
  const r = Math.random();
  if (r < 0.3) return 'create';
  if (r < 0.65) return 'list';
  if (r < 0.85) return open ? 'complete' : 'list';
  return 'delete';
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}
