/**
 * The real service lifecycle (server.ts) in this process: configuration from environment
 * variables, listening on an ephemeral port, the readiness monitor polling DynamoDB.
 */
import type { TestTables } from '@task-manager/testing';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startTaskService, type RunningTaskService } from '../../src/server.ts';
import { LogCapture, testIdentity } from './test-service.ts';

export interface RunningForTest extends RunningTaskService {
  baseUrl: string;
  logs: LogCapture;
}

export async function runService(
  tables: TestTables,
  env: Record<string, string> = {},
): Promise<RunningForTest> {
  const config = loadConfig({
    ...tables.env,
    ...(await testIdentity()).env,
    PORT: '0',
    HOST: '127.0.0.1',
    READINESS_INTERVAL_MS: '100',
    ...env,
  });
  const logs = new LogCapture();
  const running = await startTaskService(config, createLogger('info', logs));
  return Object.assign(running, { baseUrl: `http://127.0.0.1:${running.port}`, logs });
}
