export * from './dynalite-server.ts';
export * from './fault-proxy.ts';
export * from './test-tables.ts';
export * from './eventually.ts';
export * from './ports.ts';
export * from './test-identity.ts';
export * from './forged-tokens.ts';
