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

function levelOf(req: IncomingMessage, res: ServerResponse): Level {
  if (!completed(res)) return 'warn';
  if (res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'info';
  const path = (req as Request).path;
  return QUIET_PATH_PREFIXES.some((prefix) => path.startsWith(prefix)) ? 'debug' : 'info';
}

function messageOf(res: ServerResponse): string {
  if (!completed(res)) return 'request aborted before the response was sent';
  if (res.statusCode >= 500) return 'request failed';
  return res.statusCode >= 400 ? 'request rejected' : 'request completed';
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
 * (the service did its job), server errors `error`, probes and scrapes `debug`.
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
