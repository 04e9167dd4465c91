import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HELP, parseCliArgs, USAGE, UsageError } from '../src/cli.ts';

test('no arguments means the default day', () => {
  assert.deepEqual(parseCliArgs([]), { date: undefined, help: false });
});

test('--date takes a calendar date, as one or two arguments', () => {
  assert.deepEqual(parseCliArgs(['--date', '2026-11-20']), { date: '2026-11-20', help: false });
  assert.deepEqual(parseCliArgs(['--date=2024-02-29']), { date: '2024-02-29', help: false });
});

test('rejects dates that are not real YYYY-MM-DD calendar dates', () => {
  for (const date of [
    '2026-02-29',
    '2026-13-01',
    '2026-11-31',
    '20261120',
    '2026-11-20T00:00Z',
    '',
  ]) {
    assert.throws(
      () => parseCliArgs(['--date', date]),
      (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /--date must be a calendar date written YYYY-MM-DD/);
        return true;
      },
    );
  }
});

test('rejects unknown options, positionals and a missing value, naming them', () => {
  assert.throws(() => parseCliArgs(['--dryrun']), /Unknown option '--dryrun'.*usage: report/);
  assert.throws(() => parseCliArgs(['2026-11-20']), /Unexpected argument '2026-11-20'/);
  assert.throws(() => parseCliArgs(['--date']), /--date.*argument missing|argument missing/i);
});

test('rejects a repeated --date, whichever way each is written, naming both', () => {
  for (const argv of [
    ['--date', '2026-11-20', '--date', '2026-11-21'],
    ['--date=2026-11-20', '--date', '2026-11-20'],
  ]) {
    assert.throws(
      () => parseCliArgs(argv),
      (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(
          error.message,
          /--date must be given at most once, got 2026-11-20, 2026-11-2\d/,
        );
        return true;
      },
    );
  }
});

test('--help or -h asks for the help, even beside a bad date; HELP starts with the usage', () => {
  for (const argv of [['--help'], ['-h'], ['--date', '2026-02-30', '--help']]) {
    assert.deepEqual(parseCliArgs(argv), { date: undefined, help: true }, argv.join(' '));
  }
  assert.ok(HELP.startsWith(`${USAGE}\n`));
});
