/**
 * `npm run audit:prod`: fails when code that ships has a high or critical advisory: a production
 * dependency, or a package task-service's bundle inlines. Those are devDependencies (the image
 * installs only what stays external, scripts/bundle-program.ts), so `npm audit --omit=dev` alone
 * would not look at them; the full audit's findings are kept for them.
 *
 * npm audit exits non-zero both for findings and when the advisory service cannot be reached
 * (some registry mirrors answer the bulk-advisory endpoint with 405). Those are different
 * outcomes: findings fail the build; an unreachable service is reported loudly and left to
 * the next run that can reach it, rather than blocking every build on a service we do not run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inlinedPackages } from './bundle-program.ts';

/** The parts of `npm audit --json` (report version 2) read here. */
export interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { name: string; severity: string }>;
  statusCode?: number;
  message?: string;
}

const SERIOUS = new Set(['high', 'critical']);

/** The packages with a high or critical advisory, among `only` when given. */
export function seriousFindings(report: AuditReport, only?: ReadonlySet<string>): string[] {
  return Object.values(report.vulnerabilities ?? {})
    .filter((finding) => SERIOUS.has(finding.severity))
    .filter((finding) => only === undefined || only.has(finding.name))
    .map((finding) => `${finding.name} (${finding.severity})`)
    .sort();
}

/** Whether the advisory service answered (a report has its counts, even when all are 0). */
export function answered(report: AuditReport): boolean {
  return report.metadata?.vulnerabilities !== undefined;
}

function npmAudit(args: string[]): AuditReport {
  const run = spawnSync('npm', ['audit', ...args, '--json'], { encoding: 'utf8' });
  try {
    return JSON.parse(run.stdout) as AuditReport;
  } catch {
    console.error(
      `audit: npm audit ${args.join(' ')} printed no JSON (exit ${run.status}):\n${run.stderr}`,
    );
    process.exit(1);
  }
}

if (import.meta.main) {
  const bundled = await inlinedPackages(
    fileURLToPath(new URL('../services/task-service/', import.meta.url)),
  );
  const production = npmAudit(['--omit=dev']);
  const everything = npmAudit([]);
  const unanswered = [production, everything].find((report) => !answered(report));
  if (unanswered) {
    console.warn(
      `audit: NOT CHECKED — the advisory service could not be reached ` +
        `(${unanswered.statusCode ?? '?'}: ${unanswered.message ?? 'no message'})`,
    );
    process.exit(0);
  }
  const names = new Set(bundled.map((pkg) => pkg.name));
  console.log(
    `audit: production dependencies: ${JSON.stringify(production.metadata?.vulnerabilities)}; ` +
      `inlined in task-service's bundle: ${[...names].join(', ')}`,
  );
  const serious = [...seriousFindings(production), ...seriousFindings(everything, names)];
  if (serious.length > 0) {
    console.error(
      `audit: high or critical advisories in code that ships: ${[...new Set(serious)].join(', ')}; ` +
        'run `npm audit`',
    );
    process.exit(1);
  }
  console.log('audit: no high or critical advisories');
}
