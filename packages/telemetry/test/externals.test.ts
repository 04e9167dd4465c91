import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { test } from 'node:test';
import { BUNDLE_EXTERNALS } from '../src/externals.ts';
import { INSTRUMENTED_MODULES } from '../src/sdk.ts';

/** Whether esbuild's `external` pattern (a name, or one `*` wildcard) covers `name`. */
function covers(pattern: string, name: string): boolean {
  const [prefix, suffix = ''] = pattern.split('*');
  return pattern.includes('*')
    ? name.startsWith(prefix!) && name.endsWith(suffix) && name.length >= pattern.length - 1
    : name === pattern;
}

test('every module the instrumentations patch stays out of a bundle (built-ins always do)', () => {
  const packages = INSTRUMENTED_MODULES.filter((name) => !builtinModules.includes(name));
  assert.ok(packages.length > 0);
  for (const name of packages) {
    assert.ok(
      BUNDLE_EXTERNALS.some((pattern) => covers(pattern, name)),
      `${name} is instrumented but would be bundled`,
    );
  }
});
