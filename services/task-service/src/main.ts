#!/usr/bin/env node
/**
 * Entry point: `node dist/main.js` in the container (PID 1), `node src/main.ts` in development.
 *
 * OpenTelemetry patches http, express, pino and the AWS SDK as they are loaded, so tracing
 * starts here, before anything else: this file imports only constants (launch.ts and
 * quiet-paths.ts, which import nothing), and loads the service (run.ts) only once tracing is set
 * up. With no OTLP endpoint configured, startTracing loads nothing of OpenTelemetry and the
 * service starts exactly as it would without it.
 *
 * The build (scripts/bundle-program.ts) ships V8's compiled code for the bundle and what it loads
 * in dist/compile-cache/; using it saves about a fifth of the start-up. Sources have none, and a
 * directory that is missing is not created (in the image the file system is read-only anyway).
 */
import { existsSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { fileURLToPath } from 'node:url';
import { COMPILE_CACHE_DIR } from './launch.ts';
import { QUIET_PATH_PREFIXES } from './quiet-paths.ts';

const compileCache = fileURLToPath(new URL(`./${COMPILE_CACHE_DIR}/`, import.meta.url));
if (existsSync(compileCache)) enableCompileCache({ directory: compileCache, portable: true });

const { startTracing } = await import('@task-manager/telemetry');
await startTracing({
  serviceName: 'task-service',
  packageJson: new URL('../package.json', import.meta.url),
  untracedPathPrefixes: QUIET_PATH_PREFIXES,
  requestIdHeader: 'X-Request-Id',
});
await import('./run.ts');
