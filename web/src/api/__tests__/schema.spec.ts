import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../../scripts/api-types';

test('schema.d.ts is what the service contract (openapi.yaml) produces', async () => {
  const committed = readFileSync(API_TYPES_FILE, 'utf8');
  const generated = await renderApiTypes();
  expect(
    committed === generated,
    'web/src/api/schema.d.ts differs from what services/task-service/openapi.yaml produces: ' +
      'run `npm run generate:api-types -w @task-manager/web` and commit the result',
  ).toBe(true);
});
