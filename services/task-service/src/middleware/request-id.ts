import type { RequestHandler } from 'express';
import { requestIdFrom } from '@task-manager/runtime';

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFrom(req.get('X-Request-Id'));
    res.locals.context = { requestId: id };
    res.setHeader('X-Request-Id', id);
    next();
  };
}
