import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

// Ids from an upstream proxy or the client are kept so one id follows a request through
// every hop; anything that could forge log structure or bloat logs is replaced.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id = incoming !== undefined && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.context = { requestId: id };
    res.setHeader('X-Request-Id', id);
    next();
  };
}
