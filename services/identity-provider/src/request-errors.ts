/**
 * Each request's error, kept for the request's one log line (server.ts) instead of being logged
 * where it happens, so that it is logged once, with the request's id.
 */
import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { errorPage } from './html.ts';
import { send } from './provider.ts';

const errors = new WeakMap<IncomingMessage, unknown>();

export function recordError(req: IncomingMessage, error: unknown): void {
  errors.set(req, error);
}

export function recordedError(req: IncomingMessage): unknown {
  return errors.get(req);
}

/** What a client is told of an error: OAuth's `error` and `error_description` (RFC 6749). */
export interface ErrorAnswer {
  error: string;
  error_description?: string;
}

/**
 * The answer to an error, as oidc-provider gives its own: the OAuth error and its description
 * when the error is meant to be shown (`expose`, as oidc-provider's and Koa's errors say),
 * otherwise only that something went wrong.
 */
export function answerFor(error: unknown): ErrorAnswer {
  const { expose, error: code, error_description, message } = error as Record<string, unknown>;
  if (expose !== true) return { error: 'server_error', error_description: 'something went wrong' };
  return {
    error: String(code ?? message),
    ...(typeof error_description === 'string' && { error_description }),
  };
}

/**
 * What the log says of a request's error: the OAuth error code and description the client was
 * answered with and the provider's detail behind it (none of them holds a token or a secret),
 * and for a server error the error itself, with its stack.
 */
export function errorFields(error: unknown, status: number): Record<string, unknown> {
  const {
    error: code,
    error_description,
    error_detail,
    message,
  } = error as Record<string, unknown>;
  return {
    error: code ?? message ?? String(error),
    ...(error_description !== undefined && { errorDescription: error_description }),
    ...(error_detail !== undefined && { errorDetail: error_detail }),
    ...(status >= 500 && { err: error }),
  };
}

/**
 * Answers what oidc-provider does not answer itself as it answers its own errors: an error thrown
 * past it (by the sign-in page, interactions.ts) and a path it does not serve get the error page
 * (for a browser) or the OAuth error as JSON, with their status, and are recorded. Koa's own
 * answer would be a bare line of text, and would drop the response's X-Request-Id.
 */
export function answerErrors(appUrl: string): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.respond !== false && ctx.status === 404 && ctx.body == null) {
        ctx.throw(404, 'not_found');
      }
    } catch (error) {
      recordError(ctx.req, error);
      // Too late to answer: Koa ends the response.
      if (ctx.headerSent) throw error;
      const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
      ctx.status = Number(status ?? statusCode ?? 500);
      const answer = answerFor(error);
      if (ctx.accepts('json', 'html') === 'html') send(ctx, errorPage(answer, appUrl));
      else ctx.body = answer;
    }
  };
}
