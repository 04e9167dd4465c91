/**
 * The API answers only a signed-in caller (a Bearer token or a session cookie); a header that
 * names a user is ignored. So every API call the documentation shows must carry a token, or a
 * reader who follows it gets a 401 where the text promises a task, a trace or a report. Only the
 * paths the contract opens to anyone (itself) are exempt.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { OpenApiValidator } from '@task-manager/testing';
import { repositoryFiles, ROOT } from './support/repository-files.ts';

/** The API's paths anyone may call (every operation `security: []`), from the contract. */
const contract = new OpenApiValidator().document as {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
};
const PUBLIC_PATHS = Object.entries(contract.paths)
  .filter(
    ([apiPath, methods]) =>
      apiPath.startsWith('/api/') &&
      Object.values(methods).every(({ security }) => security?.length === 0),
  )
  .map(([apiPath]) => apiPath);

/** A curl command (with its continuation lines) that calls the API under /api/, but not a public path. */
function documentedApiCalls(markdown: string): string[] {
  const commands = markdown.replace(/\\\n\s*/g, ' ').split('\n');
  return commands.filter(
    (line) =>
      /\bcurl\b/.test(line) &&
      /\/api\//.test(line) &&
      !PUBLIC_PATHS.some((publicPath) => line.includes(publicPath)),
  );
}

test('every API call the documentation shows carries a Bearer token', () => {
  const files = repositoryFiles(/\.md$/);
  const calls = files.flatMap((file) =>
    documentedApiCalls(readFileSync(path.join(ROOT, file), 'utf8')).map((call) => ({ file, call })),
  );
  assert.ok(calls.length >= 4, `found only ${calls.length} documented API calls`);
  const unsigned = calls.filter(({ call }) => !/Authorization: Bearer \$/.test(call));
  assert.deepEqual(unsigned, [], 'API calls without a token in the documentation');
});
