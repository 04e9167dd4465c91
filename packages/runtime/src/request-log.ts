/**
 * The request log of every HTTP program of the project (task-service, the identity provider): one
 * JSON line per request, written by pino-http when its response ends, bound to the request's id
 * alone. It is the only place a request's error is logged, so each error appears once: the
 * program leaves the error where `describe` finds it, and does not log it itself.
 *
 * This module gives pino-http's options; each program depends on pino-http itself (task-service
 * bundles it), so the programs without an HTTP server do not install it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import type { Options } from 'pino-http';

export interface RequestDescription {
  /** The line's own fields (method, path, status, the error…): flat, one per fact. */
  fields: Record<string, unknown>;
  /** The request did not get the answer it was meant to get (an error was recorded). */
  failed: boolean;
  /** A probe or a scrape, polled every few seconds: logged at debug level when answered. */
  quiet: boolean;
}

export interface RequestLogOptions {
  /** The id the request is logged under, settled when it arrives. */
  requestId(req: IncomingMessage, res: ServerResponse): string;
  describe(req: IncomingMessage, res: ServerResponse): RequestDescription;
}

/** Whether the response was sent whole (not cut off by the client or a shutdown). */
const completed = (res: ServerResponse) => res.writableFinished;

/**
 * Client errors are `info` (the program did its job), server errors `error`, a response cut off
 * `warn`, the answers of probes and scrapes `debug` (a probe's 503 included: the program logs the
 * change behind it once, so the probes that keep asking are no errors).
 */
function levelOf(res: ServerResponse, { failed, quiet }: RequestDescription): Level {
  if (!completed(res)) return 'warn';
  if (quiet && !failed) return 'debug';
  return res.statusCode >= 500 ? 'error' : 'info';
}

function messageOf(res: ServerResponse, { failed }: RequestDescription): string {
  if (!completed(res)) return 'request aborted before the response was sent';
  if (!failed) return 'request completed';
  return res.statusCode >= 500 ? 'request failed' : 'request rejected';
}

export function requestLogOptions(logger: Logger, options: RequestLogOptions): Options {
  const line = (req: IncomingMessage, res: ServerResponse, durationMs: number) => ({
    ...options.describe(req, res).fields,
    durationMs,
    ...(completed(res) ? {} : { aborted: true }),
  });
  return {
    logger,
    genReqId: options.requestId,
    // The line, and handlers' req.log, are bound to the request id alone: no copy of the
    // request's headers in every line.
    quietReqLogger: true,
    quietResLogger: true,
    // pino-http still binds the whole request to a logger it keeps for other set-ups, which
    // would serialise its headers on every request: that binding is left empty.
    wrapSerializers: false,
    serializers: { req: () => undefined },
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (req, res) => levelOf(res, options.describe(req, res)),
    customSuccessMessage: (req, res) => messageOf(res, options.describe(req, res)),
    customErrorMessage: (req, res) => messageOf(res, options.describe(req, res)),
    customSuccessObject: (req, res, { responseTime }: { responseTime: number }) =>
      line(req, res, responseTime),
    customErrorObject: (req, res, _error, { responseTime }: { responseTime: number }) =>
      line(req, res, responseTime),
  };
}
