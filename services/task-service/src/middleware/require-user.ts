import type { RequestHandler } from 'express';
import { HttpError } from '../http-errors.ts';
import { USER_ID_PATTERN } from '@task-manager/contract';

/**
 * Every /api route acts for the user in X-Forwarded-User, set by the authenticating
 * proxy in front of the service (which must strip any client-sent copy). Without a
 * well-formed one there is nobody to act for: 401. It is part of each route rather than
 * a prefix middleware, so a rejected request is still logged and counted under its route.
 */
export function requireUser(): RequestHandler {
  return (req, res, next) => {
    const user = req.get('X-Forwarded-User');
    if (user === undefined || user === '') {
      throw new HttpError(401, 'no authenticated user', [
        { field: 'X-Forwarded-User', message: 'header is required' },
      ]);
    }
    if (!USER_ID_PATTERN.test(user)) {
      throw new HttpError(401, 'no authenticated user', [
        {
          field: 'X-Forwarded-User',
          message: `must be a user id matching ${USER_ID_PATTERN.source}`,
        },
      ]);
    }
    res.locals.context.userId = user;
    next();
  };
}
