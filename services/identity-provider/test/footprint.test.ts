/**
 * What the provider's program loads: its modules and their libraries, never the AWS SDK or
 * OpenTelemetry (it shares only the configuration readers of @task-manager/runtime). Loading the
 * SDK would cost its container about 30 MB of memory for nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const SOURCES = fileURLToPath(new URL('../src/', import.meta.url));

/** Every module URL resolved while importing `entries`, recorded by a resolve hook. */
function modulesLoadedBy(entries: string[]): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      seen.push(resolved.url);
      return resolved;
    } });
    for (const entry of ${JSON.stringify(entries)}) await import(entry);
    process.stdout.write(JSON.stringify(seen));
  `;
  const output = execFileSync(
    process.execPath,
    ['--conditions=development', '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  return JSON.parse(output) as string[];
}

test("the program's modules load no AWS SDK", () => {
  // main.ts itself would start a server: everything it imports is loaded instead.
  const loaded = modulesLoadedBy(
    ['config.ts', 'server.ts', 'dev-token.ts'].map((file) => `${SOURCES}${file}`),
  );
  assert.ok(
    loaded.some((url) => url.includes('/oidc-provider/')),
    'the hook records modules',
  );
  assert.ok(loaded.some((url) => url.includes('/runtime/src/env.ts')));
  assert.deepEqual(
    loaded.filter((url) => /@aws-sdk|@smithy|@opentelemetry|\/task-store\//.test(url)),
    [],
  );
});
