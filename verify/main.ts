/**
 * npm run verify: the checks of checks/ as node:test tests against the built task-service and
 * report job, then a table of every check's figures. --only <name>[,<name>...] picks checks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '@task-manager/testing';
import { badInputCheck } from './checks/bad-input.ts';
import { bodyLimitCheck } from './checks/body-limit.ts';
import { isolationCheck } from './checks/isolation.ts';
import { loadCheck, rollingRestartCheck } from './checks/load.ts';
import { logsCheck } from './checks/logs.ts';
import { outageCheck } from './checks/dynamodb-outage.ts';
import { reportJobCheck } from './checks/report-job.ts';
import { securityHeadersCheck } from './checks/security-headers.ts';
import { createContext, type Outcome, type VerifyContext } from './harness/context.ts';

const CHECKS: Array<[string, (context: VerifyContext) => Promise<Outcome>]> = [
  ['Load', loadCheck],
  ['Rolling restart', rollingRestartCheck],
  ['DynamoDB outage', outageCheck],
  ['Bad input', badInputCheck],
  ['Security headers', securityHeadersCheck],
  ['Body size limit', bodyLimitCheck],
  ['Isolation', isolationCheck],
  ['Report job faults', reportJobCheck],
  // Last: it reads the logs of every process the checks above started.
  ['No secrets in logs', logsCheck],
];

/** No run may hang: verify gives up (and kills everything) after this long. */
const WATCHDOG_MS = 8 * 60_000;
const FIGURES_WIDTH = 72;

// process.exit runs the 'exit' handlers (@task-manager/testing's kills every child), which a
// signal's default action would not.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
setTimeout(() => {
  console.error(`verify: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  process.exit(1);
}, WATCHDOG_MS).unref();

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((word) => word.trim().toLowerCase());
const selected = CHECKS.filter(
  ([name]) => !only || only.some((word) => name.toLowerCase().startsWith(word)),
);
if (selected.length === 0) {
  console.error(`verify: --only ${values.only} names no check`);
  process.exit(2);
}

/** The figures of every check, word-wrapped, beside its name and verdict. */
function resultTable(results: ReadonlyArray<Outcome & { name: string }>): string {
  const nameWidth = Math.max(5, ...results.map(({ name }) => name.length));
  const row = (name: string, figures: string, verdict: string): string =>
    `${name.padEnd(nameWidth)}  ${figures.padEnd(FIGURES_WIDTH)}  ${verdict}`.trimEnd();
  const lines = (text: string): string[] =>
    text.match(new RegExp(`\\S.{0,${FIGURES_WIDTH - 1}}(?=\\s|$)|\\S+`, 'g')) ?? [''];
  return [
    row('Check', 'Figures', 'Result'),
    row('-'.repeat(nameWidth), '-'.repeat(FIGURES_WIDTH), '------'),
    ...results.flatMap(({ name, figures, failures }) =>
      lines(figures.join(', ')).map((line, index) =>
        index === 0 ? row(name, line, failures.length === 0 ? 'PASS' : 'FAIL') : row('', line, ''),
      ),
    ),
  ].join('\n');
}

describe('npm run verify', () => {
  let context: VerifyContext;
  const results: Array<Outcome & { name: string }> = [];

  before(async () => {
    // verify runs the built programs, as the containers do: never a stale build.
    await ensureBuilt(['@task-manager/task-service', '@task-manager/batch']);
    context = await createContext();
  });

  after(async () => {
    await context?.close();
    console.log(resultTable(results));
  });

  for (const [name, check] of selected) {
    test(name, async (t) => {
      const outcome = await check(context).catch((error: unknown) => ({
        figures: [],
        failures: [error instanceof Error ? error.message : String(error)],
      }));
      // A check that failed must leave DynamoDB as the next one expects it.
      if (!context.dynamo.running) await context.dynamo.start();
      results.push({ name, ...outcome });
      for (const figure of outcome.figures) t.diagnostic(figure);
      if (outcome.failures.length > 0) assert.fail(outcome.failures.join('\n'));
    });
  }
});
