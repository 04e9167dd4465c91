/**
 * `node --import <this file>` with RECORD_MODULES_TO=<file.json> writes, at exit, every module URL
 * the process resolved (import and require alike): proof that something was NOT loaded.
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
