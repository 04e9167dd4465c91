import path from 'node:path';

/** The repository root: every path in the manifests, skaffold.yaml and the tests is relative to it. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function fromRoot(...segments: string[]): string {
  return path.join(repoRoot, ...segments);
}
