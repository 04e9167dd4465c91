import type { RequestHandler } from 'express';
import { InFlightRequests } from '../in-flight.ts';
import type { Metrics } from '../metrics.ts';
import { routeOf } from './request-log.ts';

/**
 * One metrics observation per request, when its response closes (method, route, status and
 * duration), and the request's place among those in flight until then (counted in the
 * http_requests_in_flight gauge too).
 *
 * It comes after requestLog in the chain: its 'close' listener then runs after pino-http's, so
 * a request leaves `inFlight` only once its log line is written, and a shutdown that waits for
 * `inFlight.idle()` logs "task-service stopped" after every request's line.
 */
export function observeRequests(
  metrics: Metrics,
  inFlight = new InFlightRequests(),
): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    inFlight.add(res);
    metrics.httpRequestsInFlight.inc();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = {
        method: req.method,
        route: routeOf(req),
        status_code: String(res.statusCode),
      };
      metrics.httpRequests.inc(labels);
      metrics.httpRequestDuration.observe(labels, seconds);
      metrics.httpRequestsInFlight.dec();
      inFlight.done(res);
    });
    next();
  };
}
