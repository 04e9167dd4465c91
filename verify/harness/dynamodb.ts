/**
 * The DynamoDB that verify's task-service instances and report jobs talk to: dynalite in a child
 * process (see dynamodb-process.ts) with the project's tables, which can be stopped and started
 * again on the same port with its data intact.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTables, type TestTables } from '@task-manager/testing';
import { spawnChild, type ManagedChild } from './children.ts';

export interface DynamoServer {
  readonly endpoint: string;
  readonly tables: TestTables;
  /** Environment for a process using these tables (endpoint, region, table names, timeouts). */
  readonly env: Record<string, string>;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Reply {
  op: string;
  port?: number;
}

function nextReply(child: ManagedChild, op: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Reply): void => {
      if (message.op !== op) return;
      child.process.off('message', onMessage);
      resolve(message);
    };
    child.process.on('message', onMessage);
    void child.exited.then((exit) =>
      reject(
        new Error(
          `DynamoDB server exited (${exit.code ?? exit.signal}) awaiting ${op}:\n  ${child.tail().join('\n  ')}`,
        ),
      ),
    );
  });
}

export async function startDynamoServer(): Promise<DynamoServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'verify-dynamodb-'));
  const child = spawnChild({
    name: 'dynamodb',
    command: process.execPath,
    args: ['--conditions=development', join(import.meta.dirname, 'dynamodb-process.ts'), dataDir],
    env: {},
    ipc: true,
  });
  const { port } = await nextReply(child, 'ready');
  const endpoint = `http://127.0.0.1:${port}`;
  const tables = await createTestTables(endpoint);
  let running = true;

  return {
    endpoint,
    tables,
    env: tables.env,
    get running() {
      return running;
    },
    async stop() {
      const stopped = nextReply(child, 'stopped');
      child.process.send({ op: 'stop' });
      await stopped;
      running = false;
    },
    async start() {
      const started = nextReply(child, 'started');
      child.process.send({ op: 'start' });
      await started;
      running = true;
    },
    async close() {
      tables.clients.client.destroy();
      await child.kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
