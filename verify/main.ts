/**
 * npm run verify: proves, against the built task-service and report job on loopback, that the
 * system holds under load, a rolling restart, a DynamoDB outage and bad input, keeps users apart,
 * and that the report job fails safely. Each check is a node:test test; node:test reports them and
 * sets the exit code, and a table of every check's figures follows. Every child process is killed
 * however verify ends.
 *
 * Options: --only <name>[,<name>...] runs the checks whose names start with those words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from 'node:util';
import { ensureBuilt, killAllChildren } from '@task-manager/testing';
import { badInputCheck } from './checks/bad-input.ts';
import { bodyLimitCheck } from './checks/body-limit.ts';
import { isolationCheck } from './checks/isolation.ts';
import { loadCheck } from './checks/load.ts';
import { logsCheck } from './checks/logs.ts';
import { outageCheck } from './checks/dynamodb-outage.ts';
import { reportJobCheck } from './checks/report-job.ts';
import { rollingRestartCheck } from './checks/rolling-restart.ts';
import { securityHeadersCheck } from './checks/security-headers.ts';
import type { Check, CheckOutcome, CheckResult } from './harness/check.ts';
import { createContext, type VerifyContext } from './harness/context.ts';
import { startDynamoServer, type DynamoServer } from './harness/dynamodb.ts';
import { formatResults } from './harness/result-table.ts';

const CHECKS: Check[] = [
  loadCheck,
  rollingRestartCheck,
  outageCheck,
  badInputCheck,
  securityHeadersCheck,
  bodyLimitCheck,
  isolationCheck,
  reportJobCheck,
  // Last: it reads the logs of every process the checks above started.
  logsCheck,
];

/** No run may hang: verify gives up (and kills everything) after this long. */
const WATCHDOG_MS = 8 * 60_000;

process.on('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nverify: ${signal}, stopping all child processes`);
    killAllChildren();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
setTimeout(() => {
  console.error(`verify: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  process.exit(1);
}, WATCHDOG_MS).unref();

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',').map((word) => word.trim().toLowerCase());
const selected = CHECKS.filter(
  (check) => !only || only.some((word) => check.name.toLowerCase().startsWith(word)),
);
if (selected.length === 0) {
  console.error(`verify: --only ${values.only} names no check`);
  process.exit(2);
}

// One node:test test per check, run in order: node:test reports each as it ends (its figures as
// diagnostics, its failures as the test's error), sets the exit code and prints the tally; the
// table of all the figures comes last.
describe('npm run verify', () => {
  let dynamo: DynamoServer;
  let context: VerifyContext;
  const results: CheckResult[] = [];

  before(async () => {
    // verify runs the built programs, as the containers do: never a stale build.
    await ensureBuilt(['@task-manager/task-service', '@task-manager/batch']);
    dynamo = await startDynamoServer();
    context = await createContext(dynamo);
  });

  after(async () => {
    await context?.identity.close();
    await dynamo?.close();
    console.log(formatResults(results));
  });

  for (const check of selected) {
    test(check.name, async (t) => {
      let outcome: CheckOutcome;
      try {
        outcome = await check.run(context);
      } catch (error) {
        outcome = {
          figures: [],
          failures: [error instanceof Error ? error.message : String(error)],
        };
      }
      // A check that failed must leave DynamoDB as the next one expects it.
      if (!dynamo.running) await dynamo.start();
      const passed = outcome.failures.length === 0;
      results.push({ name: check.name, ...outcome, passed });
      for (const figure of outcome.figures) t.diagnostic(figure);
      if (!passed) assert.fail(outcome.failures.join('\n'));
    });
  }
});
