import path from 'node:path';

/**
 * openapi.yaml, the API's contract, beside this module's directory: src/ in development, and dist/
 * in the build, whose CommonJS bundle has no import.meta (scripts/bundle-program.ts defines
 * import.meta.dirname as the bundle's own __dirname). The image copies the file to the same place.
 */
export const CONTRACT_FILE = path.join(import.meta.dirname, '..', 'openapi.yaml');
