/**
 * What the middleware learns about a request and later stages need, kept on res.locals
 * with types: the request id, the acting user, and the error (if any) for the request log.
 */
import type { Response } from 'express';
import type { Identity } from './auth/identity.ts';
import type { ErrorBody } from './http-errors.ts';

export interface RequestContext {
  requestId: string;
  /** Set by authenticate on /api routes (and by the sign-in callback), for the request log. */
  userId?: string;
  /** Who the request acts for, set by authenticate. */
  identity?: Identity;
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

/** The user authenticate established; only called on routes behind it. */
export function userOf(res: Response): string {
  return identityOf(res).userId;
}

export function identityOf(res: Response): Identity {
  const { identity } = res.locals.context;
  if (identity === undefined) throw new Error('route is missing the authenticate middleware');
  return identity;
}
