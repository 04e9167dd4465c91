import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoConfig } from './config.ts';

/** The name the SDK gives its logger middleware (@aws-sdk/core's getLoggerPlugin). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

export interface DynamoClients {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/**
 * Builds the low-level and document clients with bounded timeouts and retries.
 *
 * Against a local endpoint (dynalite, LocalStack) with no credentials in the environment we
 * sign with placeholder credentials: those servers accept any, and requiring real-looking keys
 * would only push people to put fake secrets in manifests. Against AWS itself the SDK's default
 * chain applies (IRSA / Pod Identity in EKS), so no static credentials are ever needed.
 */
export function createDynamoClients(config: DynamoConfig): DynamoClients {
  const useLocalCredentials = config.endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(useLocalCredentials
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: config.maxAttempts,
    requestHandler: {
      connectionTimeout: config.timeoutMs,
      requestTimeout: config.timeoutMs,
      // Without this the handler only logs a warning when requestTimeout passes and keeps
      // waiting, so a DynamoDB endpoint that accepts connections but never answers would
      // hang callers forever instead of failing (and being retried) after timeoutMs.
      throwOnRequestTimeout: true,
    },
  });
  // The SDK's logger middleware builds a filtered copy of every request and response (for
  // its logger, a no-op here: the apps log their own lines) before it calls the logger. For a
  // page of 100 tasks that was an eighth of task-service's CPU per list request (--cpu-prof).
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, doc };
}
