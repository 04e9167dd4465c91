#!/usr/bin/env node
/**
 * The development identity provider as a program (the container's entry point): configuration
 * from the environment (config.ts), JSON logs on stdout, graceful stop on SIGTERM/SIGINT.
 * Exit codes: 0 after a stop, 1 on bad configuration or a failed start.
 */
import { createLogger, fatalLine } from '@task-manager/runtime';
import { ConfigError, loadConfig } from './config.ts';
import { startIdentityProvider } from './server.ts';

/** `service` in every log line. */
const PROGRAM = 'identity-provider';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(fatalLine(PROGRAM, error.message));
  process.exit(1);
}

const logger = createLogger(PROGRAM, config.logLevel);
if (!config.keys) {
  logger.warn(
    'no IDP_SIGNING_KEYS_FILE: signing with a key generated now; a restart signs everybody out',
  );
}

try {
  const running = await startIdentityProvider({ ...config, logger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    stopping = true;
    logger.info({ signal }, 'stopping');
    void running.close().then(() => {
      logger.info('identity provider stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  logger.fatal({ err: error }, 'identity provider failed to start');
  process.exit(1);
}
