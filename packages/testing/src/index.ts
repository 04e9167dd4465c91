export * from './dynalite-server.ts';
export * from './fault-proxy.ts';
export * from './test-tables.ts';
export * from './otlp-receiver.ts';
export { MODULE_RECORDER } from './module-recorder.ts';
export * from './eventually.ts';
export * from './closed-port.ts';
