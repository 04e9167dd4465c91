#!/usr/bin/env node
/**
 * The daily report job's entry point (the task-reporter CronJob; see run.ts for what it does):
 *
 *   node batch/dist/main.js [--date YYYY-MM-DD]
 *
 * OpenTelemetry patches pino and the AWS SDK as they are loaded, so tracing starts here,
 * before anything else; the job (run.ts) is loaded only then. With no OTLP endpoint
 * configured, nothing of OpenTelemetry is loaded.
 */
import { startTracing } from '@task-manager/telemetry';

await startTracing({
  serviceName: 'task-reporter',
  packageJson: new URL('../package.json', import.meta.url),
});
await import('./run.ts');
