export * from './dynalite-server.ts';
export * from './test-tables.ts';
