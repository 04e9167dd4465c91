/**
 * The HTTP application, built from its dependencies so that tests wire it to their own
 * tables and main.ts to the configured ones. No listening, no signals: see server.ts.
 */
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { IdempotentCreates, TaskRepository } from '@task-manager/task-store';
import type { Authentication } from './auth/authentication.ts';
import type { HealthState } from './health.ts';
import type { InFlightRequests } from './in-flight.ts';
import type { Metrics } from './metrics.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import { observeRequests } from './middleware/observe-requests.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';
import { singletonHeaders } from './middleware/singleton-headers.ts';
import type { ReportSource } from './report-source.ts';
import { healthRouter } from './routes/health.ts';
import { authRouter } from './routes/auth.ts';
import { contractRouter } from './routes/contract.ts';
import { meRouter } from './routes/me.ts';
import { metricsRouter } from './routes/metrics.ts';
import { reportsRouter } from './routes/reports.ts';
import { tasksRouter } from './routes/tasks.ts';
import { parseQueryString } from './query-string.ts';

export interface AppDependencies {
  tasks: TaskRepository;
  /** Creates with an Idempotency-Key. */
  creates: IdempotentCreates;
  reports: ReportSource;
  health: HealthState;
  metrics: Metrics;
  logger: Logger;
  /** Sign-in, sessions, Bearer tokens and who is an admin. */
  auth: Authentication;
  /** Where the server sees the requests in progress, for its graceful shutdown. */
  inFlight?: InFlightRequests;
}

// API answers are per user and change with every write: no cache may keep them.
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // Task responses carry their own ETag (the version); Express's body hashes would only
  // add a second, conflicting kind.
  app.set('etag', false);
  // Repeated parameters arrive as arrays and are rejected; no nested objects from brackets;
  // a parameter that does not percent-decode is a 400 naming it.
  app.set('query parser', parseQueryString);

  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(observeRequests(deps.metrics, deps.inFlight));
  app.use(helmet());

  app.use(healthRouter(deps.health));
  app.use(metricsRouter(deps.metrics));

  app.use(authRouter(deps.auth));
  app.use('/api', noStore, singletonHeaders);
  app.use(contractRouter());
  app.use(meRouter(deps.auth));
  app.use(tasksRouter(deps.tasks, deps.creates, deps.auth));
  app.use(reportsRouter(deps.reports, deps.auth));

  app.use(notFound());
  app.use(errorHandler());
  return app;
}
