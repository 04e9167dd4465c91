import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { answered, seriousFindings, type AuditReport } from '../audit.ts';
import { inlinedPackages } from '../bundle-program.ts';

// The shape of `npm audit --json` (report version 2), with the fields the script reads.
const report: AuditReport = {
  metadata: { vulnerabilities: { low: 1, moderate: 1, high: 1, critical: 1, total: 4 } },
  vulnerabilities: {
    jose: { name: 'jose', severity: 'critical' },
    vite: { name: 'vite', severity: 'high' },
    zod: { name: 'zod', severity: 'moderate' },
    cookie: { name: 'cookie', severity: 'low' },
  },
};

test('every high or critical finding counts when no set of packages is given', () => {
  assert.deepEqual(seriousFindings(report), ['jose (critical)', 'vite (high)']);
});

test('restricted to the inlined packages, a dev tool’s finding does not count', () => {
  const inlined = new Set(['jose', 'zod', 'cookie']);
  assert.deepEqual(seriousFindings(report, inlined), ['jose (critical)']);
  assert.deepEqual(seriousFindings(report, new Set(['zod', 'cookie'])), []);
});

test('a report without counts means the advisory service did not answer', () => {
  assert.equal(answered(report), true);
  assert.equal(answered({ metadata: { vulnerabilities: {} } }), true);
  assert.equal(answered({ statusCode: 405, message: '405 Method Not Allowed' }), false);
  assert.deepEqual(seriousFindings({ statusCode: 405 }), []);
});

test('the packages audited as inlined are those the build inlined (dist/bundled-packages.json)', async () => {
  const service = fileURLToPath(new URL('../../services/task-service/', import.meta.url));
  const built = path.join(service, 'dist/bundled-packages.json');
  assert.ok(existsSync(built), `${built} is missing: run \`npm run build\` first`);
  const fromBuild = (JSON.parse(readFileSync(built, 'utf8')) as { name: string }[]).map(
    (pkg) => pkg.name,
  );
  const fromSources = (await inlinedPackages(service)).map((pkg) => pkg.name);
  assert.ok(fromSources.includes('openid-client'), fromSources.join(', '));
  assert.deepEqual(fromSources, fromBuild);
});
