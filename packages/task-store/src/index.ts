export * from './client.ts';
export * from './config.ts';
export * from './create-tables.ts';
export * from './schema.ts';
export * from './batch-write.ts';
export * from './completed-tasks.ts';
export * from './query-pages.ts';
export * from './report-store.ts';
