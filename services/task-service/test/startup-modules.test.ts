/**
 * What starting the service loads: not openid-client, which only signing in (or the discovery
 * the first Bearer token needs) uses, so starting does not pay for it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createTestTables, MODULE_RECORDER, startDynalite } from '@task-manager/testing';
import { SOURCE_MAIN, startService } from './support/service-process.ts';
import { testIdentity } from './support/test-service.ts';

async function modulesLoadedBy(exercise: (baseUrl: string) => Promise<void>): Promise<string[]> {
  const dynamo = await startDynalite();
  const scratch = await mkdtemp(path.join(tmpdir(), 'task-service-modules-'));
  try {
    const tables = await createTestTables(dynamo.endpoint);
    const recordTo = path.join(scratch, 'modules.json');
    const service = await startService(
      SOURCE_MAIN,
      { ...(await testIdentity()).env, ...tables.env, RECORD_MODULES_TO: recordTo },
      ['--import', MODULE_RECORDER],
    );
    try {
      await exercise(service.baseUrl);
    } finally {
      // Stopped whatever the exercise did: a child left running would hold the test open.
      service.process.kill('SIGTERM');
    }
    assert.deepEqual(await service.exited, { code: 0, signal: null });
    tables.clients.client.destroy();
    return JSON.parse(await readFile(recordTo, 'utf8')) as string[];
  } finally {
    await dynamo.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

const openidClient = (urls: string[]) => urls.filter((url) => url.includes('/openid-client/'));

test('starting, and serving probes, does not load openid-client; signing in does', async () => {
  const started = await modulesLoadedBy(async () => {});
  assert.ok(
    started.some((url) => url.includes('/express/')),
    'the recorder saw the service load',
  );
  assert.deepEqual(openidClient(started), []);

  const signedIn = await modulesLoadedBy(async (baseUrl) => {
    const response = await fetch(`${baseUrl}/auth/login`, { redirect: 'manual' });
    assert.equal(response.status, 303, 'to the provider');
  });
  assert.notDeepEqual(openidClient(signedIn), []);
});
