/**
 * The service's lifecycle: wire the app to DynamoDB, listen, watch the table for the
 * readiness probe, and shut down gracefully. Signals and exit codes are main.ts's business.
 */
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import { createDynamoClients, IdempotentCreates, TaskRepository } from '@task-manager/task-store';
import { withoutTracing } from '@task-manager/telemetry';
import { createApp } from './app.ts';
import { LISTENING_MESSAGE } from './launch.ts';
import { createAuthentication } from './auth/authentication.ts';
import { dynamoUserProfiles } from './auth/user-profiles.ts';
import type { TaskServiceConfig } from './config.ts';
import { HealthState } from './health.ts';
import { InFlightRequests } from './in-flight.ts';
import { createMetrics } from './metrics.ts';
import { ReadinessMonitor } from './readiness-monitor.ts';
import { dynamoReportSource } from './report-source.ts';

export type ShutdownOutcome = 'graceful' | 'forced';

/** The log line of shutdown's first step, with the requests still in flight: tests wait for it. */
export const SHUTDOWN_BEGUN_MESSAGE =
  'shutting down: no longer ready, finishing in-flight requests';

/**
 * How long, once shutdown begins, keep-alive connections stay open for one more request
 * (answered with Connection: close) before the ones still idle are closed.
 */
const KEEP_ALIVE_DRAIN_MS = 1000;

export interface RunningTaskService {
  readonly server: Server;
  readonly port: number;
  readonly health: HealthState;
  /**
   * Stops gracefully: not ready, no new connections, in-flight requests finish, keep-alive
   * connections close after one more request or a short idle drain. Connections still open
   * after shutdownTimeoutMs are cut.
   * Idempotent: every call returns the same outcome.
   */
  stop(): Promise<ShutdownOutcome>;
}

export async function startTaskService(
  config: TaskServiceConfig,
  logger: Logger,
): Promise<RunningTaskService> {
  const { dynamo } = config;
  const clients = createDynamoClients(dynamo);
  const health = new HealthState();
  const inFlight = new InFlightRequests();
  const tasks = new TaskRepository(clients.doc, dynamo.tasksTable);
  const app = createApp({
    tasks,
    creates: new IdempotentCreates(clients.doc, dynamo.idempotencyTable, tasks),
    reports: dynamoReportSource(clients.doc, dynamo.reportsTable),
    health,
    metrics: createMetrics(),
    logger,
    auth: createAuthentication(
      config.auth,
      logger,
      dynamoUserProfiles(clients.doc, dynamo.reportsTable, logger),
    ),
    inFlight,
  });

  const server = createServer(app);
  // Longer than the idle timeout of load balancers and ingress controllers in front (60 s
  // is common), so they never reuse a connection the service is just closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  // Responses in progress when shutdown begins are told to close their connection, so a
  // keep-alive client does not send its next request to a server that is going away.
  let drained = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (health.shuttingDown) res.setHeader('Connection', 'close');
    res.once('close', () => {
      if (drained) server.closeIdleConnections();
    });
  });

  server.listen(config.port, config.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  async function describeTasksTable(signal: AbortSignal): Promise<void> {
    const { Table } = await clients.client.send(
      new DescribeTableCommand({ TableName: dynamo.tasksTable }),
      { abortSignal: signal },
    );
    if (Table?.TableStatus !== 'ACTIVE' && Table?.TableStatus !== 'UPDATING') {
      throw new Error(
        `table ${dynamo.tasksTable} is ${Table?.TableStatus ?? 'in an unknown state'}`,
      );
    }
  }
  const monitor = new ReadinessMonitor({
    health,
    intervalMs: config.readinessIntervalMs,
    timeoutMs: dynamo.timeoutMs,
    logger,
    // A check every few seconds per replica, in the background: not traced, or its traces
    // would bury the requests'. Its failures are logged and turn readiness off.
    check: (signal) => withoutTracing(() => describeTasksTable(signal)),
  });
  monitor.start();
  logger.info(
    {
      port,
      tasksTable: dynamo.tasksTable,
      dynamoEndpoint: dynamo.endpoint ?? 'AWS',
      issuer: config.auth.issuer,
      publicUrl: config.auth.publicUrl,
    },
    LISTENING_MESSAGE,
  );

  let stopping: Promise<ShutdownOutcome> | undefined;
  async function shutdown(): Promise<ShutdownOutcome> {
    health.beginShutdown();
    monitor.stop();
    logger.info(
      { inFlight: inFlight.size, timeoutMs: config.shutdownTimeoutMs },
      SHUTDOWN_BEGUN_MESSAGE,
    );
    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
    });

    // Stop accepting connections, but leave the idle keep-alive ones open for a moment:
    // http.Server#close() would close them at once, and a client that is sending its next
    // request on one right then gets a connection reset instead of an answer. During the
    // drain, requests still arriving on open connections are answered with Connection:
    // close, so busy clients move to another replica cleanly; then the idle ones are closed.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(server, () => resolve()),
    );
    const drain = new Promise<void>((resolve) => setTimeout(resolve, KEEP_ALIVE_DRAIN_MS).unref());
    await Promise.race([closed, deadline, drain]);
    drained = true;
    server.closeIdleConnections();

    let outcome: ShutdownOutcome = 'graceful';
    if ((await Promise.race([closed, deadline])) === 'timeout') {
      outcome = 'forced';
      logger.warn(
        { inFlight: inFlight.size },
        'shutdown timeout reached: closing the remaining connections',
      );
      server.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
    // Every connection is closed, but a request's log line is written when its response
    // closes, which Node may report after the connection: wait for those lines, so that
    // "task-service stopped" is always the last one.
    await inFlight.idle();
    await monitor.settled;
    clients.client.destroy();
    logger.info({ outcome }, 'task-service stopped');
    return outcome;
  }

  return {
    server,
    port,
    health,
    stop: () => (stopping ??= shutdown()),
  };
}
