/**
 * The service as a program, loaded by main.ts once tracing is set up: configuration, logger,
 * signals and exit codes.
 *
 * Exit codes: 0 after a graceful shutdown; 1 on bad configuration, a failed start, an
 * unexpected error, or a shutdown that had to cut connections; 128 + signal number when a
 * second signal ends the process without waiting. Tracing never changes them: the last spans
 * are exported within TRACES_FLUSH_TIMEOUT_MS, or given up.
 */
import { constants } from 'node:os';
import {
  reportTracingProblemsTo,
  shutdownTracing,
  TRACES_FLUSH_TIMEOUT_MS,
} from '@task-manager/telemetry';
import { fatalLine } from '@task-manager/runtime';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger, SERVICE_NAME, type Logger } from './logger.ts';
import { startTaskService, type RunningTaskService } from './server.ts';

function exitNow(logger: Logger, code: number): void {
  process.exitCode = code;
  logger.flush(() => process.exit(code));
}

/** Exports the last spans (bounded in time), then exits with `code` whatever happened to them. */
function exitAfterFlush(logger: Logger, code: number): void {
  process.exitCode = code;
  void shutdownTracing().then((outcome) => {
    if (outcome === 'failed' || outcome === 'timed out') {
      logger.warn(
        { outcome, timeoutMs: TRACES_FLUSH_TIMEOUT_MS },
        'the last spans could not be exported before exit',
      );
    }
    exitNow(logger, code);
  });
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // No logger yet (LOG_LEVEL may be the bad value): one JSON line in the same shape.
  process.stderr.write(fatalLine(SERVICE_NAME, error.message));
  process.exit(1);
}

const logger = createLogger(config.logLevel);
reportTracingProblemsTo((level, message) => logger[level](message));

// Something nobody handled: the process state is unknown, so log it and stop. The
// orchestrator restarts the container; carrying on could serve wrong answers.
function crash(error: unknown, origin: string): void {
  logger.fatal({ err: error, origin }, 'unexpected error, exiting');
  exitAfterFlush(logger, 1);
}
process.on('uncaughtException', (error) => crash(error, 'uncaughtException'));
process.on('unhandledRejection', (reason) => crash(reason, 'unhandledRejection'));

function handleSignals(service: RunningTaskService): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      exitNow(logger, 128 + constants.signals[signal]);
      return;
    }
    signalled = true;
    logger.info({ signal }, 'signal received, shutting down');
    service.stop().then(
      (outcome) => exitAfterFlush(logger, outcome === 'graceful' ? 0 : 1),
      (error: unknown) => crash(error, 'shutdown'),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

startTaskService(config, logger).then(handleSignals, (error: unknown) => {
  logger.fatal({ err: error }, 'task-service failed to start');
  exitAfterFlush(logger, 1);
});
