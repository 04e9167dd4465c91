import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import {
  IdempotencyKeyReusedError,
  InvalidCursorError,
  isDynamoUnavailable,
  TaskNotFoundError,
  TaskVersionMismatchError,
} from '@task-manager/task-store';
import { ProviderUnavailableError } from '../auth/provider-client.ts';

import { preconditionFailed } from '../conditional-requests.ts';
import {
  HttpError,
  INVALID_PERCENT_ENCODING,
  taskNotFound,
  type ErrorBody,
} from '../http-errors.ts';
import { JSON_BODY_LIMIT_BYTES, REQUEST_CONTENT_CODINGS } from './json-body.ts';

/** Unknown routes answer 404 in the same JSON shape as every other error. */
export function notFound(): RequestHandler {
  return (req) => {
    throw new HttpError(404, `no route for ${req.method} ${req.path}`);
  };
}

/** A known path asked with a method it does not support. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  return (req) => {
    throw new HttpError(405, `${req.method} is not supported here`, [], {
      Allow: allowed.join(', '),
    });
  };
}

/** The identity provider (its discovery document or its keys) cannot be reached. */
export function unavailableError(): HttpError {
  return new HttpError(
    503,
    'the identity provider is unavailable, try again shortly',
    [{ field: 'provider', message: 'the identity provider cannot be reached' }],
    { 'Retry-After': '5' },
  );
}

/** The errors body-parser (express.json) raises, by their `type`. */
function fromBodyParser(error: { type: string; message: string }): HttpError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new HttpError(413, 'request body is too large', [
        { field: 'body', message: `must be at most ${JSON_BODY_LIMIT_BYTES} bytes` },
      ]);
    case 'entity.parse.failed':
      return new HttpError(400, 'request body is not valid JSON', [
        { field: 'body', message: error.message },
      ]);
    case 'charset.unsupported':
      return new HttpError(415, 'request body charset is not supported', [
        { field: 'Content-Type', message: error.message },
      ]);
    case 'encoding.unsupported':
      // The content coding is what is wrong, and a 415 for one says which would do
      // (RFC 9110 §15.5.16).
      return new HttpError(
        415,
        'request body encoding is not supported',
        [
          {
            field: 'Content-Encoding',
            message: `${error.message}: use one of ${REQUEST_CONTENT_CODINGS.join(', ')}`,
          },
        ],
        { 'Accept-Encoding': REQUEST_CONTENT_CODINGS.join(', ') },
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError(400, 'request body was incomplete', [
        { field: 'body', message: error.message },
      ]);
    default:
      return undefined;
  }
}

function hasType(error: unknown): error is { type: string; message: string } {
  return error instanceof Error && typeof (error as { type?: unknown }).type === 'string';
}

/**
 * An error that body-parser or raw-body raised while reading the body, marked by http-errors
 * as the client's (a 4xx status, `expose`) but of no `type` handled above: a compressed body
 * that does not decode (zlib, brotli and zstd errors) and whatever else they may add. A client
 * can send any bytes, so none of these may become a 500 and an error-level log line.
 */
function clientStreamError(error: unknown): { status: number; message: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) {
    return undefined;
  }
  return { status, message: error.message };
}

function fromClientStreamError(
  req: Request,
  { status, message }: { status: number; message: string },
): HttpError {
  const encoding = req.get('Content-Encoding');
  if (status === 400 && encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return new HttpError(400, 'request body could not be decompressed', [
      {
        field: 'Content-Encoding',
        message: `is ${encoding}, but the body does not decode: ${message}`,
      },
    ]);
  }
  return new HttpError(status, 'request body could not be read', [{ field: 'body', message }]);
}

/** Maps what went wrong to the status and body the client sees. */
function toHttpError(error: unknown, req: Request): { http: HttpError; unexpected: boolean } {
  if (error instanceof HttpError) return { http: error, unexpected: false };
  if (hasType(error)) {
    const http = fromBodyParser(error);
    if (http) return { http, unexpected: false };
  }
  const streamError = clientStreamError(error);
  if (streamError) return { http: fromClientStreamError(req, streamError), unexpected: false };
  if (error instanceof URIError) {
    // The router could not percent-decode a path parameter (e.g. /api/tasks/%zz).
    return {
      http: new HttpError(400, 'the URL path is not valid', [
        { field: 'path', message: INVALID_PERCENT_ENCODING },
      ]),
      unexpected: false,
    };
  }
  // Logged where it is noticed (once per outage), not again with every request it fails.
  if (error instanceof ProviderUnavailableError)
    return { http: unavailableError(), unexpected: false };
  if (error instanceof TaskNotFoundError) return { http: taskNotFound(), unexpected: false };
  if (error instanceof TaskVersionMismatchError) {
    return { http: preconditionFailed('If-Match', error.currentVersion), unexpected: false };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      http: new HttpError(422, 'Idempotency-Key was already used for another request', [
        { field: 'Idempotency-Key', message: `${error.message}; use a new key for a new task` },
      ]),
      unexpected: false,
    };
  }
  if (error instanceof InvalidCursorError) {
    return {
      http: new HttpError(400, 'invalid query parameters', [
        { field: 'cursor', message: error.message },
      ]),
      unexpected: false,
    };
  }
  if (isDynamoUnavailable(error)) {
    return {
      http: new HttpError(503, 'the task store is unavailable, try again shortly', [], {
        'Retry-After': '5',
      }),
      unexpected: true,
    };
  }
  return { http: new HttpError(500, 'internal error'), unexpected: true };
}

/**
 * The last middleware: answers every error as { error, details } with its status, and
 * leaves the logging to observeRequests (one line per request, the cause attached for
 * 5xx). Stack traces and internal messages never reach the client.
 */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      // Too late to answer differently: cut the connection, so the client sees an incomplete
      // response rather than a truncated one that looks whole, and let the request log say why.
      res.locals.context.failure = {
        status: res.statusCode,
        body: { error: 'response failed after it started', details: [] },
        cause: error,
      };
      res.destroy();
      return;
    }
    const { http, unexpected } = toHttpError(error, req);
    const body: ErrorBody = { error: http.message, details: http.details };
    res.locals.context.failure = {
      status: http.status,
      body,
      ...(unexpected ? { cause: error } : {}),
    };
    res.status(http.status).set(http.headers).json(body);
  };
}
