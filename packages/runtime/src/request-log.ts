/**
 * The request log of every HTTP program of the project (task-service, the identity provider): one
 * JSON line per request, written by pino-http when its response ends, bound to the request's id
 * alone. It is the only place a request's error is logged, so each error appears once: the
 * program leaves the error where `failed` and `fields` find it, and does not log it itself.
 *
 * This module gives pino-http's options; each program depends on pino-http itself (task-service
 * bundles it), so the programs without an HTTP server do not install it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import type { Options } from 'pino-http';

export interface RequestLogOptions {
  /** The id the request is logged under, settled when it arrives. */
  requestId(req: IncomingMessage, res: ServerResponse): string;
  /** The request did not get the answer it was meant to get: the program recorded an error. */
  failed(req: IncomingMessage, res: ServerResponse): boolean;
  /** A probe or a scrape, polled every few seconds: logged at debug level when answered. */
  quiet(req: IncomingMessage): boolean;
  /** The line's own fields (method, path, status, the error…): flat, one per fact. */
  fields(req: IncomingMessage, res: ServerResponse): Record<string, unknown>;
}

/** Whether the response was sent whole (not cut off by the client or a shutdown). */
const completed = (res: ServerResponse) => res.writableFinished;

/**
 * Client errors are `info` (the program did its job), server errors `error`, a response cut off
 * `warn`, the answers of probes and scrapes `debug` (a probe's 503 included: the program logs the
 * change behind it once, so the probes that keep asking are no errors).
 */
export function requestLogOptions(logger: Logger, options: RequestLogOptions): Options {
  const levelOf = (req: IncomingMessage, res: ServerResponse): Level => {
    if (!completed(res)) return 'warn';
    const failed = options.failed(req, res);
    if (options.quiet(req) && !failed) return 'debug';
    return res.statusCode >= 500 ? 'error' : 'info';
  };
  const messageOf = (req: IncomingMessage, res: ServerResponse): string => {
    if (!completed(res)) return 'request aborted before the response was sent';
    if (!options.failed(req, res)) return 'request completed';
    return res.statusCode >= 500 ? 'request failed' : 'request rejected';
  };
  const line = (req: IncomingMessage, res: ServerResponse, durationMs: number) => ({
    ...options.fields(req, res),
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
    customLogLevel: (req, res) => levelOf(req, res),
    customSuccessMessage: (req, res) => messageOf(req, res),
    customErrorMessage: (req, res) => messageOf(req, res),
    customSuccessObject: (req, res, { responseTime }: { responseTime: number }) =>
      line(req, res, responseTime),
    customErrorObject: (req, res, _error, { responseTime }: { responseTime: number }) =>
      line(req, res, responseTime),
  };
}
