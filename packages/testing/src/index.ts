export * from './dynalite-server.ts';
export * from './lost-response-proxy.ts';
export * from './test-tables.ts';
