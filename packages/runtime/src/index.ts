export * from './env.ts';
export * from './logger.ts';
export * from './request-id.ts';
export * from './request-log.ts';
