import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The repository's files that match `wanted` (paths from the root): those git tracks and new ones
 * it does not ignore, never dependencies or build output.
 */
export function repositoryFiles(wanted: RegExp): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => wanted.test(file) && !/(^|\/)(node_modules|dist)\//.test(file));
}
