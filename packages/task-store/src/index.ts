export * from './client.ts';
export * from './config.ts';
export * from './create-tables.ts';
export * from './schema.ts';
