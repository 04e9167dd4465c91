import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { InFlightRequests } from '../in-flight.ts';
import type { Metrics } from '../metrics.ts';
import { QUIET_PATH_PREFIXES } from '../quiet-paths.ts';
import { contextOf } from '../request-context.ts';

/** The route pattern that handled the request ("/api/tasks/:taskId"), or "unmatched". */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

/**
 * One log line and one metrics observation per request, when its response ends: method,
 * route, status, duration and request id, plus the error if the request failed. This is the
 * only place a request's error is logged, so each error appears once. The request stays in
 * `inFlight` until its line is written.
 */
export function observeRequests(
  logger: Logger,
  metrics: Metrics,
  inFlight = new InFlightRequests(),
): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    inFlight.add(res);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      const completed = res.writableFinished;
      const status = res.statusCode;
      const labels = { method: req.method, route, status_code: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpRequestDuration.observe(labels, seconds);

      const context = contextOf(res);
      const line: Record<string, unknown> = {
        requestId: context.requestId,
        method: req.method,
        route,
        path: req.path,
        status,
        durationMs: Math.round(seconds * 1e4) / 10,
        ...(context.userId === undefined ? {} : { userId: context.userId }),
      };
      const failure = context.failure;
      if (failure) {
        line.error = failure.body.error;
        if (failure.body.details.length > 0) line.details = failure.body.details;
        if (failure.cause !== undefined) line.err = failure.cause;
      }
      if (!completed) {
        logger.warn({ ...line, aborted: true }, 'request aborted before the response was sent');
      } else if (status >= 500) {
        logger.error(line, 'request failed');
      } else if (status >= 400) {
        logger.info(line, 'request rejected');
      } else if (QUIET_PATH_PREFIXES.some((prefix) => req.path.startsWith(prefix))) {
        logger.debug(line, 'request completed');
      } else {
        logger.info(line, 'request completed');
      }
      inFlight.done(res);
    });
    next();
  };
}
