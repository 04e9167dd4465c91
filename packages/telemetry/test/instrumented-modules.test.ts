import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInstrumentations, INSTRUMENTED_MODULES } from '../src/sdk.ts';

test('import-in-the-middle intercepts exactly the modules the instrumentations patch', () => {
  const instrumentations = createInstrumentations({
    serviceName: 'test',
    packageJson: new URL('../package.json', import.meta.url),
  });
  try {
    // Not public API: this test exists to notice when an upgrade changes what they hook.
    const hooked = instrumentations.flatMap((instrumentation) =>
      (instrumentation as unknown as { _modules: { name: string }[] })._modules.map(
        (module) => module.name,
      ),
    );
    assert.deepEqual([...new Set(hooked)].sort(), [...INSTRUMENTED_MODULES].sort());
  } finally {
    for (const instrumentation of instrumentations) instrumentation.disable();
  }
});
