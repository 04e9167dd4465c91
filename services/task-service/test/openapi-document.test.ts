/**
 * openapi.yaml is generated (openapi/generate.ts) from the zod schemas the service validates
 * with and the descriptions beside its paths: the committed file must be exactly what they
 * produce now, so a rule changed in code cannot leave the contract behind.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderOpenApiYaml } from '../openapi/generate.ts';
import { CONTRACT_FILE } from '../src/contract-file.ts';

test('openapi.yaml is what the zod schemas and the description produce', async () => {
  const committed = readFileSync(CONTRACT_FILE, 'utf8');
  const generated = await renderOpenApiYaml();
  assert.ok(
    committed === generated,
    'services/task-service/openapi.yaml differs from what its sources produce: run ' +
      '`npm run generate:openapi -w @task-manager/task-service` and commit the result\n' +
      firstDifference(committed, generated),
  );
});

/** The first line that differs, to say where without printing two whole documents. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `first difference at line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  generated: ${b[at] ?? '(end of file)'}`;
}
