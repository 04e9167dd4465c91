import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

// Ids from an upstream proxy or the client are kept so one id follows a request through
// every hop; anything that could forge log structure or bloat logs is replaced.
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id =
      incoming !== undefined && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    res.locals.context = { requestId: id };
    res.setHeader('X-Request-Id', id);
    next();
  };
}
