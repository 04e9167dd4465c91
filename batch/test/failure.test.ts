import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, SupersededRunError } from '@task-manager/task-store';
import { UsageError } from '../src/cli.ts';
import { describeFailure, signalExitCode } from '../src/failure.ts';
import { DayNotStartedError } from '../src/report-day.ts';
import { CleanupError, ReportRunError } from '../src/report-job.ts';

const endpoint = 'http://127.0.0.1:8000';

/** An error shaped like the AWS SDK's: a name, an optional Node error code, $metadata. */
function awsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { attempts: 3 }, ...extra });
}

test('bad arguments and configuration exit 2 with their own message', () => {
  assert.deepEqual(describeFailure(new UsageError('--date must be ...'), {}), {
    message: '--date must be ...',
    exitCode: 2,
    fields: {},
  });
  assert.equal(describeFailure(new ConfigError('REPORT_TIMEZONE: ...'), {}).exitCode, 2);
  assert.equal(describeFailure(new DayNotStartedError('2999-01-01 has not begun'), {}).exitCode, 2);
});

test('DynamoDB failures say where, what and after how many attempts', () => {
  const cases: [Error, RegExp][] = [
    [
      awsError('Error', 'connect ECONNREFUSED 127.0.0.1:8000', { code: 'ECONNREFUSED' }),
      /^DynamoDB at http:\/\/127\.0\.0\.1:8000 is unreachable after 3 attempts: connect ECONNREFUSED/,
    ],
    [awsError('TimeoutError', 'socket timed out'), /did not answer in time after 3 attempts/],
    // What the SDK throws when a pooled connection was reset under it.
    [
      awsError('TimeoutError', 'write ECONNRESET'),
      /^DynamoDB at .* dropped the connection after 3 attempts: write ECONNRESET/,
    ],
    [awsError('Error', 'getaddrinfo ENOTFOUND dynamodb'), /is unreachable after 3 attempts/],
    [
      awsError('ResourceNotFoundException', 'Requested resource not found'),
      /a table does not exist \(Requested resource not found\); create the tables first/,
    ],
    [
      awsError('ProvisionedThroughputExceededException', 'slow down'),
      /request failed after 3 attempts: ProvisionedThroughputExceededException: slow down/,
    ],
  ];
  for (const [cause, message] of cases) {
    const failure = describeFailure(
      new ReportRunError(cause, 'run-1', 0, { status: 'nothing-written' }),
      {
        endpoint,
      },
    );
    assert.equal(failure.exitCode, 1);
    assert.match(failure.message, message);
    assert.match(failure.message, /nothing was published .* and nothing had been written$/);
  }
});

test('a run stopped by a signal exits 128 + its number and says what became of its lines', () => {
  const failure = describeFailure(
    new ReportRunError(new Error('aborted'), 'run-1', 1200, { status: 'deleted', lines: 1200 }),
    { endpoint, stoppedBy: 'SIGTERM' },
  );
  assert.equal(failure.exitCode, 143);
  assert.equal(
    failure.message,
    'stopped by SIGTERM after 1200 tasks; nothing was published (the previous report of the day, if any, is unchanged) and its 1200 written lines were deleted',
  );
  assert.deepEqual(failure.fields, {
    runId: 'run-1',
    tasksRead: 1200,
    cleanup: { status: 'deleted', lines: 1200 },
  });
  assert.equal(signalExitCode('SIGINT'), 130);
});

test('a run that a newer run superseded, and lines that could not be deleted', () => {
  const failure = describeFailure(
    new ReportRunError(new SupersededRunError('a newer run has already published'), 'run-1', 5, {
      status: 'failed',
      error: 'connect ECONNREFUSED',
    }),
    { endpoint },
  );
  assert.equal(failure.exitCode, 1);
  assert.match(
    failure.message,
    /^a newer run has already published; nothing was published .* could not be deleted \(connect ECONNREFUSED\) and will be removed by the next run$/,
  );
});

test('a summary sent without an answer: the report may be published, and the message says so', () => {
  const failure = describeFailure(
    new ReportRunError(awsError('TimeoutError', 'socket timed out'), 'run-1', 5, {
      status: 'kept-as-maybe-published',
    }),
    { endpoint },
  );
  assert.equal(failure.exitCode, 1);
  assert.doesNotMatch(failure.message, /nothing was published/);
  assert.match(
    failure.message,
    /may have been published all the same .* run the job again .* lines are kept$/,
  );
});

test('a failed clean-up after publishing says the report is published', () => {
  const summary = {
    date: '2026-11-20',
    timeZone: 'Asia/Tokyo',
    count: 42,
    users: 0,
    perUser: [],
    generatedAt: '2026-11-20T16:00:00.000Z',
    partial: false,
  };
  const error = new CleanupError(awsError('TimeoutError', 'socket timed out'), {
    runId: 'run-1',
    summary,
  });
  const failure = describeFailure(error, { endpoint });
  assert.equal(failure.exitCode, 1);
  assert.match(
    failure.message,
    /^the report for 2026-11-20 was published \(42 tasks\), but deleting earlier runs' lines failed: DynamoDB .* did not answer in time/,
  );
  assert.equal(describeFailure(error, { endpoint, stoppedBy: 'SIGTERM' }).exitCode, 143);
});
