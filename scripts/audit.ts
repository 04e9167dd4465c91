/**
 * `npm run audit:prod`: fails when a production dependency has a high or critical advisory.
 *
 * npm audit exits non-zero both for findings and when the advisory service cannot be reached
 * (some registry mirrors answer the bulk-advisory endpoint with 405). Those are different
 * outcomes: findings fail the build; an unreachable service is reported loudly and left to
 * the next run that can reach it, rather than blocking every build on a service we do not run.
 */
import { spawnSync } from 'node:child_process';

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  statusCode?: number;
  message?: string;
}

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report: AuditReport;
try {
  report = JSON.parse(run.stdout) as AuditReport;
} catch {
  console.error(`audit: npm audit printed no JSON (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}

const counts = report.metadata?.vulnerabilities;
if (counts) {
  const serious = (counts.high ?? 0) + (counts.critical ?? 0);
  console.log(`audit: production dependencies: ${JSON.stringify(counts)}`);
  if (serious > 0) {
    console.error(`audit: ${serious} high or critical advisories; run \`npm audit --omit=dev\``);
    process.exit(1);
  }
  console.log('audit: no high or critical advisories');
} else {
  console.warn(
    `audit: NOT CHECKED — the advisory service could not be reached ` +
      `(${report.statusCode ?? '?'}: ${report.message ?? 'no message'})`,
  );
}
