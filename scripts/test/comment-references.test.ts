/**
 * Comments that point at another file (`see k8s/README.md`, `schema.ts`'s table design) are how
 * a reader finds their way round this repository, so a pointer to a file that does not exist is
 * a bug: it sends the reader nowhere. Paths are resolved from the file's own folder and each
 * folder above it (so a package's own src folder counts), up to the repository root.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repositoryFiles, ROOT } from './support/repository-files.ts';

/** Source files whose comments are checked: code, manifests and scripts, not prose. */
const CHECKED = /\.(ts|vue|js|ya?ml|sh)$|Dockerfile$/;
const COMMENT = /^\s*(\/\/|\/\*|\*|#)/;
// A path with a folder and an extension (not part of a URL or a package specifier), or an
// upper-case Markdown file name on its own, such as the README's.
const REFERENCE =
  /(?<![\w@/.:$-])((?:\.{1,2}\/)?(?:[\w.-]+\/)+[\w.-]+\.(?:ts|md|ya?ml|json|sh|vue|js|env|conf|Dockerfile))\b|(?<![\w/.-])([A-Z][A-Z_-]+\.md)\b/g;

function resolves(file: string, reference: string): boolean {
  // Build output and placeholders (DATA_DIR/…) are not files of the repository.
  if (/(^|\/)dist\//.test(reference) || /^[A-Z_]+\//.test(reference)) return true;
  let dir = path.dirname(path.join(ROOT, file));
  for (;;) {
    if (existsSync(path.join(dir, reference))) return true;
    if (path.relative(ROOT, dir) === '') return false;
    dir = path.dirname(dir);
  }
}

test('every file a comment points at exists', () => {
  const files = repositoryFiles(CHECKED);
  assert.ok(files.length > 100, `found only ${files.length} files to check`);
  const broken: string[] = [];
  for (const file of files) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (!COMMENT.test(line)) return;
      for (const match of line.matchAll(REFERENCE)) {
        const reference = match[1] ?? match[2]!;
        if (!resolves(file, reference)) broken.push(`${file}:${index + 1}: ${reference}`);
      }
    });
  }
  assert.deepEqual(broken, []);
});

test('the check finds a pointer to a missing file', () => {
  assert.equal(resolves('docker/smoke/images.ts', 'CONTRACTS.md'), false);
  assert.equal(resolves('batch/test/launch.test.ts', 'src/launch.ts'), true);
  assert.equal(resolves('web/src/composables/useTaskForm.ts', 'utils/draft.ts'), true);
});
