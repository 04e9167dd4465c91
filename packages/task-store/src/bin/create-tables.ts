#!/usr/bin/env node
/**
 * `create-tables`: creates the project's DynamoDB tables from the shared schema, if missing.
 * Run by `npm start`, the container smoke test and the Kubernetes init Job, so every
 * environment gets its tables from this one definition. Prints one JSON line.
 */
import { createDynamoClients } from '../client.ts';
import { ConfigError, loadDynamoConfig } from '../config.ts';
import { ensureTables } from '../create-tables.ts';

try {
  const config = loadDynamoConfig(process.env);
  const { client } = createDynamoClients(config);
  const { tables, timeToLive } = await ensureTables(client, config);
  console.log(JSON.stringify({ level: 'info', msg: 'tables ready', tables, timeToLive }));
  client.destroy();
} catch (error) {
  const message = error instanceof ConfigError ? error.message : String(error);
  console.error(JSON.stringify({ level: 'error', msg: 'create-tables failed', error: message }));
  process.exitCode = 1;
}
