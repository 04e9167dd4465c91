import { Router, type Response } from 'express';
import type { HealthState, ProbeResult } from '../health.ts';
import { methodNotAllowed } from '../middleware/errors.ts';

function answer(res: Response, result: ProbeResult): void {
  // Probe results are about this instant: never cached by anything in between.
  res.set('Cache-Control', 'no-store');
  if (result.ok) {
    res.json({ status: 'ok' });
  } else {
    res.status(503).json({ status: 'unavailable', error: result.reason, details: [] });
  }
}

/** Kubernetes probes. They answer from memory; the readiness monitor does the checking. */
export function healthRouter(health: HealthState): Router {
  const router = Router();
  router.get('/health/liveness', (_req, res) => answer(res, { ok: true }));
  router.get('/health/readiness', (_req, res) => answer(res, health.readiness));
  router.get('/health/startup', (_req, res) => answer(res, health.startup));
  router.all(
    ['/health/liveness', '/health/readiness', '/health/startup'],
    methodNotAllowed(['GET', 'HEAD']),
  );
  return router;
}
