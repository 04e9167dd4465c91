/**
 * The display names task-service records for the reports: one write per person and name, however
 * many of their requests come at once, the last name given is the one stored, and a failed write
 * is tried again on the person's next change.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readUserNames } from '@task-manager/task-store';
import { createTestTables, dynaliteForFile } from '@task-manager/testing';
import { createLogger } from '../src/logger.ts';
import { dynamoUserProfiles } from '../src/auth/user-profiles.ts';
import { LogCapture } from './support/test-service.ts';

const dynamo = dynaliteForFile();

async function profilesOnNewTables(tableName?: string) {
  const tables = await createTestTables(dynamo.endpoint);
  const puts = { sent: 0 };
  tables.clients.doc.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'PutItemCommand') puts.sent += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countPuts' },
  );
  const logs = new LogCapture();
  const table = tableName ?? tables.config.reportsTable;
  const profiles = dynamoUserProfiles(tables.clients.doc, table, createLogger('info', logs));
  const storedName = async (userId: string) =>
    (await readUserNames(tables.clients.doc, tables.config.reportsTable, [userId])).get(userId);
  return { profiles, puts, logs, storedName };
}

const person = (userId: string, name: string) => ({ userId, name, groups: [] });

test('requests that come at once record the name once', async () => {
  const { profiles, puts, storedName } = await profilesOnNewTables();
  await Promise.all(Array.from({ length: 5 }, () => profiles.remember(person('ann', 'Ann'))));
  await profiles.remember(person('ann', 'Ann'));
  assert.equal(puts.sent, 1);
  assert.equal(await storedName('ann'), 'Ann');
});

test('a new name is written after the one under way: the last name given is stored', async () => {
  const { profiles, puts, storedName } = await profilesOnNewTables();
  const writes = ['Ann', 'Ann Lee', 'Ann'].map((name) => profiles.remember(person('ann', name)));
  await Promise.all(writes);
  assert.equal(puts.sent, 3);
  assert.equal(await storedName('ann'), 'Ann');
});

test('a failed write is only a warning, and the next change tries again', async () => {
  const { profiles, puts, logs } = await profilesOnNewTables('no-such-table');
  await profiles.remember(person('ann', 'Ann'));
  await profiles.remember(person('ann', 'Ann'));
  assert.equal(puts.sent, 2);
  const warnings = logs.lines.filter((line) => line.level === 'warn');
  assert.equal(warnings.length, 2);
  assert.equal(warnings[0]!.msg, 'could not record the user’s display name');
});
