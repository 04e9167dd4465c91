/**
 * `npm run generate:api-types -w @task-manager/web`: writes src/api/schema.d.ts, the TypeScript
 * types of the task API, from the service's generated contract
 * (services/task-service/openapi.yaml) with openapi-typescript. src/api/types.ts names the ones
 * the app uses. Never edit schema.d.ts by hand: regenerate it after the contract changes;
 * src/api/__tests__/schema.spec.ts fails while it differs from what the contract produces.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

// Paths, not `new URL(…, import.meta.url)`: Vite rewrites that pattern when Vitest loads this.
const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_FILE = path.resolve(webRoot, '../services/task-service/openapi.yaml');
export const API_TYPES_FILE = path.join(webRoot, 'src/api/schema.d.ts');

/** schema.d.ts as the contract produces it now, formatted as the repository formats TypeScript. */
export async function renderApiTypes(): Promise<string> {
  const types = astToString(await openapiTS(pathToFileURL(OPENAPI_FILE)));
  const options = (await resolveConfig(API_TYPES_FILE)) ?? {};
  return format(`${COMMENT_HEADER}${types}`, { ...options, filepath: API_TYPES_FILE });
}

if (import.meta.main) {
  writeFileSync(API_TYPES_FILE, await renderApiTypes());
  console.log(`wrote ${API_TYPES_FILE}`);
}
