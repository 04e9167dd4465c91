#!/usr/bin/env node
/**
 * Entry point: `node dist/main.js` in the container (PID 1), `node src/main.ts` in development.
 *
 * OpenTelemetry patches http, express, pino and the AWS SDK as they are loaded, so tracing
 * starts here, before anything else: this file imports nothing of the service, and loads it
 * (run.ts) only once tracing is set up. With no OTLP endpoint configured, startTracing loads
 * nothing of OpenTelemetry and the service starts exactly as it would without it.
 */
import { startTracing } from '@task-manager/telemetry';
import { QUIET_PATH_PREFIXES } from './quiet-paths.ts';

await startTracing({
  serviceName: 'task-service',
  packageJson: new URL('../package.json', import.meta.url),
  untracedPathPrefixes: QUIET_PATH_PREFIXES,
  requestIdHeader: 'X-Request-Id',
});
await import('./run.ts');
