import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { requestLogOptions } from '@task-manager/runtime';
import { QUIET_PATH_PREFIXES } from '../quiet-paths.ts';
import { contextOf } from '../request-context.ts';

/** The route pattern that handled the request ("/api/tasks/:taskId"), or "unmatched". */
export function routeOf(req: IncomingMessage): string {
  const path = ((req as Request).route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

/**
 * One log line per request (@task-manager/runtime's request log): method, route, path, status,
 * duration and request id (the one the requestId middleware settled on), the user, and the error
 * if the request failed. errors.ts (and the few routes that answer an error themselves) leave
 * the error in the request's context rather than log it, so each error appears once.
 */
export function requestLog(logger: Logger): HttpLogger {
  return pinoHttp(
    requestLogOptions(logger, {
      requestId: (_req, res) => contextOf(res as Response).requestId,
      failed: (_req, res) => contextOf(res as Response).failure !== undefined,
      quiet: (req) =>
        QUIET_PATH_PREFIXES.some((prefix) => (req as Request).path.startsWith(prefix)),
      fields(req, res) {
        const { userId, failure } = contextOf(res as Response);
        return {
          method: req.method,
          route: routeOf(req),
          path: (req as Request).path,
          status: res.statusCode,
          ...(userId === undefined ? {} : { userId }),
          ...(failure && {
            error: failure.body.error,
            ...(failure.body.details.length > 0 && { details: failure.body.details }),
            ...(failure.cause !== undefined && { err: failure.cause }),
          }),
        };
      },
    }),
  );
}
