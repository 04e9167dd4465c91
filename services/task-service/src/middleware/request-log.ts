import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Level, Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { QUIET_PATH_PREFIXES } from '../quiet-paths.ts';
import { contextOf } from '../request-context.ts';

/** The route pattern that handled the request ("/api/tasks/:taskId"), or "unmatched". */
export function routeOf(req: IncomingMessage): string {
  const path = ((req as Request).route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

/** Whether the response was sent whole (not cut off by the client or a shutdown). */
const completed = (res: ServerResponse) => res.writableFinished;

/**
 * Whether the route gave the answer it meant to give, whatever its status: errors.ts (and the
 * few routes that answer an error themselves) record a failure. A probe's 503 ("not started",
 * "not ready") is such an answer: the readiness monitor logs the change behind it once, so the
 * probes that keep asking are no errors.
 */
const answered = (res: ServerResponse) => contextOf(res as Response).failure === undefined;

function levelOf(req: IncomingMessage, res: ServerResponse): Level {
  if (!completed(res)) return 'warn';
  const path = (req as Request).path;
  if (answered(res) && QUIET_PATH_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    return 'debug';
  }
  if (res.statusCode >= 500) return 'error';
  return 'info';
}

function messageOf(res: ServerResponse): string {
  if (!completed(res)) return 'request aborted before the response was sent';
  if (answered(res)) return 'request completed';
  return res.statusCode >= 500 ? 'request failed' : 'request rejected';
}

/** The request's line, beside the requestId its logger is bound to: flat fields, one per fact. */
function lineOf(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const context = contextOf(res as Response);
  const line: Record<string, unknown> = {
    method: req.method,
    route: routeOf(req),
    path: (req as Request).path,
    status: res.statusCode,
    durationMs,
    ...(context.userId === undefined ? {} : { userId: context.userId }),
  };
  const failure = context.failure;
  if (failure) {
    line.error = failure.body.error;
    if (failure.body.details.length > 0) line.details = failure.body.details;
    if (failure.cause !== undefined) line.err = failure.cause;
  }
  if (!completed(res)) line.aborted = true;
  return line;
}

/**
 * One log line per request, written by pino-http when its response ends: method, route, path,
 * status, duration and request id (the one the requestId middleware settled on), the user, and
 * the error if the request failed. This is the only place a request's error is logged, so each
 * error appears once (errors.ts leaves it in the request's context). Client errors are `info`
 * (the service did its job), server errors `error`, the answers of probes and scrapes `debug`
 * (a probe's 503 included).
 */
export function requestLog(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => contextOf(res as Response).requestId,
    // The line, and handlers' req.log, are bound to the request id alone: no copy of the
    // request's headers in every line.
    quietReqLogger: true,
    quietResLogger: true,
    // pino-http still binds the whole request to a logger it keeps for other set-ups, which
    // would serialise its headers on every request: that binding is left empty.
    wrapSerializers: false,
    serializers: { req: () => undefined },
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (req, res) => levelOf(req, res),
    customSuccessMessage: (_req, res) => messageOf(res),
    customErrorMessage: (_req, res) => messageOf(res),
    customSuccessObject: (req, res, { responseTime }: { responseTime: number }) =>
      lineOf(req, res, responseTime),
    customErrorObject: (req, res, _error, { responseTime }: { responseTime: number }) =>
      lineOf(req, res, responseTime),
  });
}
