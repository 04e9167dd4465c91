/**
 * What the middleware learns about a request and later stages need, kept on res.locals
 * with types: the request id, the acting user, and the error (if any) for the request log.
 */
import type { Response } from 'express';
import type { ErrorBody } from './http-errors.ts';

export interface RequestContext {
  requestId: string;
  /** Set by requireUser on /api routes. */
  userId?: string;
  /** The error the request ended with, logged once with the request line. */
  failure?: { status: number; body: ErrorBody; cause?: unknown };
}

declare module 'express-serve-static-core' {
  interface Locals {
    context: RequestContext;
  }
}

export function contextOf(res: Response): RequestContext {
  return res.locals.context;
}

/** The user requireUser established; only called on routes behind it. */
export function userOf(res: Response): string {
  const { userId } = res.locals.context;
  if (userId === undefined) throw new Error('route is missing the requireUser middleware');
  return userId;
}
