#!/usr/bin/env node
/**
 * `create-tables`: creates the project's DynamoDB tables from the shared schema, if missing.
 * Run by `npm start`, the container smoke test and the Kubernetes init containers, so every
 * environment gets its tables from this one definition.
 *
 * DynamoDB may not answer yet (LocalStack still starting beside it): the attempt is repeated
 * with capped exponential backoff for up to CREATE_TABLES_WAIT_SECONDS, with one log line per
 * wait. Output is JSON lines: the waits and "tables ready" on stdout, a failure on stderr
 * (exit code 1) — at once for an error that waiting cannot fix, such as access denied.
 */
import { createDynamoClients } from '../client.ts';
import { ConfigError, loadCreateTablesConfig, type CreateTablesConfig } from '../config.ts';
import { ensureTables } from '../create-tables.ts';
import { DeadlineExceededError, retryUntilDeadline } from '../retry-until-deadline.ts';
import { isTransientDynamoError } from '../dynamo-errors.ts';

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const log = (stream: NodeJS.WriteStream, line: Record<string, unknown>): void =>
  void stream.write(`${JSON.stringify(line)}\n`);

function failure(error: unknown, config: CreateTablesConfig | undefined): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof DeadlineExceededError && config) {
    const endpoint = config.endpoint ?? `AWS (${config.region})`;
    return (
      `DynamoDB at ${endpoint} did not answer within ${config.waitSeconds} s ` +
      `(CREATE_TABLES_WAIT_SECONDS; ${error.attempts} attempts); last error: ${describe(error.cause)}`
    );
  }
  return describe(error);
}

let config: CreateTablesConfig | undefined;
try {
  config = loadCreateTablesConfig(process.env);
  const { client } = createDynamoClients(config);
  const settings = config;
  try {
    const { tables, timeToLive } = await retryUntilDeadline(() => ensureTables(client, settings), {
      deadlineMs: settings.waitSeconds * 1000,
      isRetryable: isTransientDynamoError,
      onWait: ({ attempt, delayMs, error }) =>
        log(process.stdout, {
          level: 'warn',
          msg: 'DynamoDB is not answering yet; waiting before the next attempt',
          endpoint: settings.endpoint ?? 'AWS',
          attempt,
          delayMs,
          error: describe(error),
        }),
    });
    log(process.stdout, { level: 'info', msg: 'tables ready', tables, timeToLive });
  } finally {
    client.destroy();
  }
} catch (error) {
  log(process.stderr, {
    level: 'error',
    msg: 'create-tables failed',
    error: failure(error, config),
  });
  process.exitCode = 1;
}
