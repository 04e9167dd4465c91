import type { RequestHandler } from 'express';
import { badRequest } from '../http-errors.ts';
import { UNKNOWN_FIELD } from '../validation.ts';

/**
 * For the routes that take no query parameters: any one given is refused by name, as an unknown
 * one is on the list routes, rather than ignored. Ignoring it would let `PATCH …?dryRun=true`
 * write, or `GET /api/reports/<date>?format=csv` answer JSON, with nothing said.
 */
export const noQueryParameters: RequestHandler = (req, _res, next) => {
  const names = Object.keys(req.query);
  if (names.length > 0) {
    throw badRequest(
      'invalid query parameters',
      names.map((field) => ({ field, message: UNKNOWN_FIELD })),
    );
  }
  next();
};
