import { Router } from 'express';
import type { Metrics } from '../metrics.ts';
import { methodNotAllowed } from '../middleware/errors.ts';

/** Prometheus scrape endpoint (text exposition format). */
export function metricsRouter(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store');
    res.send(body);
  });
  router.all('/metrics', methodNotAllowed(['GET', 'HEAD']));
  return router;
}
