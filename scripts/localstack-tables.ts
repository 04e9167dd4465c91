/**
 * `npm run generate:localstack-tables`: writes the table definitions LocalStack's init hook
 * creates on every start (localstack/init/tables/<table>.json), generated from the one schema
 * in packages/task-store with the table names the cluster's ConfigMap sets. Never edit those
 * files by hand: change the schema and run this; k8s/test/localstack-init.test.ts fails while
 * the committed files differ from what the schema produces.
 *
 * Each <table>.json is a DynamoDB CreateTable request as `aws dynamodb create-table
 * --cli-input-json` takes it (the API's own field names); <table>.time-to-live.json turns on
 * the table's TTL (UpdateTimeToLive).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadDynamoConfig, tableDefinitions } from '@task-manager/task-store';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Where the definitions live, beside the hook script that reads them (repository-relative). */
export const TABLES_DIR = 'localstack/init/tables';

/** The settings the cluster's ConfigMap is generated from (k8s/base). */
const CLUSTER_SETTINGS = 'k8s/base/config/task-manager-config.env';

/** The suffix of a table's TTL setting, beside its definition (<table>.json). */
export const TIME_TO_LIVE_SUFFIX = '.time-to-live.json';

/** File name -> contents of every definition, as the schema produces them now. */
export function localstackTableFiles(): Record<string, string> {
  const settings = parseEnv(readFileSync(path.join(repoRoot, CLUSTER_SETTINGS), 'utf8'));
  const names = loadDynamoConfig(settings);
  const { tables, timeToLive } = tableDefinitions(names);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return Object.fromEntries([
    ...tables.map((definition) => [`${definition.TableName}.json`, json(definition)]),
    // UpdateTimeToLive requests, as `aws dynamodb update-time-to-live --cli-input-json` takes them.
    ...timeToLive.map((input) => [`${input.TableName}${TIME_TO_LIVE_SUFFIX}`, json(input)]),
  ]);
}

if (import.meta.main) {
  const dir = path.join(repoRoot, TABLES_DIR);
  const files = localstackTableFiles();
  // A table that left the schema leaves no stale definition behind.
  for (const stale of readdirSync(dir).filter(
    (name) => name.endsWith('.json') && !(name in files),
  )) {
    rmSync(path.join(dir, stale));
    console.log(`removed ${TABLES_DIR}/${stale}`);
  }
  for (const [name, contents] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), contents);
    console.log(`wrote ${TABLES_DIR}/${name}`);
  }
}
