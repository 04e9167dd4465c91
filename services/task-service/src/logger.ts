/**
 * task-service's logger: the project's one logger (@task-manager/runtime), naming this program
 * in every line.
 */
import {
  createLogger as createProgramLogger,
  type LogLevel,
  type Logger,
} from '@task-manager/runtime';
import type { DestinationStream } from 'pino';

export type { Logger };

export const SERVICE_NAME = 'task-service';

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return createProgramLogger(SERVICE_NAME, level, destination);
}
