/**
 * Records every module a process loads, for tests that must prove something is NOT loaded
 * (nothing of OpenTelemetry while tracing is off). Preload it into the process under test:
 *
 *   node --import <this file> program.ts      with RECORD_MODULES_TO=/path/to/list.json
 *
 * Every resolved URL, from import and require alike (module.registerHooks sees both), is
 * written as a JSON array to that file when the process exits.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const file = process.env.RECORD_MODULES_TO;
if (file) {
  const urls = new Set<string>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      urls.add(result.url);
      return result;
    },
  });
  process.on('exit', () => writeFileSync(file, JSON.stringify([...urls])));
}

/** The path to pass to `node --import`. */
export const MODULE_RECORDER = fileURLToPath(import.meta.url);
