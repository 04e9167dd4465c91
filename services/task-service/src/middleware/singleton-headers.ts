import type { RequestHandler } from 'express';
import { badRequest } from '../http-errors.ts';
import { IDEMPOTENCY_KEY_HEADER } from '../idempotency-key.ts';
import { REPEATED_FIELD } from '../validation.ts';

/**
 * The request headers the API acts on that carry one value each (singleton fields in RFC 9110
 * and RFC 6454, and the Idempotency-Key draft). Given on more than one line, Node keeps the
 * first Authorization and Content-Type and drops the rest, and joins the others with commas;
 * the API would act on a guess, and a proxy in front of it may have read a different line.
 * So the request is refused, naming each, as a repeated query parameter is. (List fields such
 * as If-Match may repeat: their lines join into one list.)
 */
export const SINGLETON_HEADERS = [
  'Authorization',
  'Content-Type',
  IDEMPOTENCY_KEY_HEADER,
  'Origin',
  'Sec-Fetch-Site',
] as const;

export const singletonHeaders: RequestHandler = (req, _res, next) => {
  const repeated = SINGLETON_HEADERS.filter(
    (name) => (req.headersDistinct[name.toLowerCase()]?.length ?? 0) > 1,
  );
  if (repeated.length > 0) {
    throw badRequest(
      'repeated headers',
      repeated.map((field) => ({ field, message: REPEATED_FIELD })),
    );
  }
  next();
};
