/**
 * `npm run test:containers`: builds the images and runs them as a local cluster will, on a private
 * network. Its containers go at the end, also on Ctrl-C; the images (*:smoke) stay as a cache.
 */
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPORTER_ENV_VARS } from '@task-manager/batch/config';
import { REPO_ROOT } from '@task-manager/testing';
import { IDENTITY_PROVIDER_ENV_VARS } from '../../services/identity-provider/src/config.ts';
import { TASK_SERVICE_ENV_VARS } from '../../services/task-service/src/config.ts';
import { checkInBrowser } from './browser.ts';
import { environmentFor, readConfigMap, readLocalSignIn } from './cluster-config.ts';
import { checkDevTargets } from './dev-targets.ts';
import { PROVIDER_ENV, runSecrets, smokeSignIn, startProvider, stopProvider } from './identity.ts';
import { checkImages } from './image-checks.ts';
import { buildImages, images } from './images.ts';
import { startIngress, type Ingress } from './ingress.ts';
import { checkReport, dayIn, runReporter } from './reporter.ts';
import {
  checkCompileCache,
  checkSignIn,
  checkTracedService,
  createTables,
  DYNAMODB_ENDPOINT,
  exerciseTasks,
  SMOKE_ADMIN,
  startDynamodb,
  startService,
  stopDuringRequest as stopServiceDuringRequest,
} from './service.ts';
import { Sandbox, type Smoke } from './sandbox.ts';
import { checksOf, FAILED, note } from './support.ts';
import { checkWeb, startWeb, stopDuringRequest as stopWebDuringRequest } from './web.ts';

/** The stack, then the dev targets, then the stops; `ingress` is the app's PUBLIC_URL. */
async function runContainers(smoke: Smoke, ingress: Ingress): Promise<void> {
  const configMap = readConfigMap(path.join(REPO_ROOT, 'k8s', 'base'));
  // The local cluster's sign-in settings, at this run's address, and this run's Secret.
  const settings: Record<string, string> = {
    ...configMap,
    ...readLocalSignIn(REPO_ROOT, ingress.url),
    ...runSecrets(),
    IDP_ADMIN_USERS: SMOKE_ADMIN,
  };
  const serviceEnv = environmentFor(settings, TASK_SERVICE_ENV_VARS, DYNAMODB_ENDPOINT);
  const providerEnv = environmentFor(settings, PROVIDER_ENV);
  const reporterEnv = environmentFor(configMap, REPORTER_ENV_VARS, DYNAMODB_ENDPOINT);
  const signIn = smokeSignIn(settings.OIDC_ISSUER!, settings.PUBLIC_URL!);
  const unread = PROVIDER_ENV.filter((name) => !IDENTITY_PROVIDER_ENV_VARS.includes(name));
  assert.deepEqual(unread, [], 'PROVIDER_ENV names variables the identity provider does not read');

  await smoke.sandbox.open();
  note(`network ${smoke.sandbox.network}; the app at ${ingress.url}`);
  const dynamodb = await smoke.check('DynamoDB-compatible server (dynalite) starts', () =>
    startDynamodb(smoke),
  );
  if (dynamodb === FAILED) return;
  const tables = await createTables(smoke, configMap, images.service.tag, 'tables');
  if (tables === FAILED) return;
  // The CronJob's init container runs the same command from the reporter image: a no-op now.
  await createTables(smoke, configMap, images.reporter.tag, 'tables-again');

  const provider = await startProvider(smoke, providerEnv);
  if (provider) ingress.upstreams.set('identity-provider', provider.url);
  const service = await startService(smoke, serviceEnv);
  if (service) ingress.upstreams.set('task-service', service.url);
  let task;
  if (provider && service) {
    await checkSignIn(smoke, service.url, signIn);
    task = await exerciseTasks(smoke, service.url, signIn);
  }
  if (service) await checkTracedService(smoke, serviceEnv);
  await checkCompileCache(smoke);

  let reportDate: string | undefined;
  if (service && task?.completedAt) {
    const date = dayIn(task.completedAt, reporterEnv.REPORT_TIMEZONE ?? 'Asia/Tokyo');
    const ran = await runReporter(smoke, reporterEnv, date);
    if (ran && (await checkReport(smoke, service.url, date, task, signIn))) reportDate = date;
  }

  const web = await startWeb(smoke);
  if (web) {
    ingress.upstreams.set('task-web', web.url);
    await checkWeb(smoke, web);
    if (service && task) await checkInBrowser(smoke, ingress.url, signIn.issuer, task, reportDate);
  }
  await checkDevTargets(smoke, serviceEnv);
  if (web) await stopWebDuringRequest(smoke, web);
  if (service) await stopServiceDuringRequest(smoke, service, dynamodb, signIn);
  if (provider) await stopProvider(smoke, provider);
}

test('npm run test:containers', async (t) => {
  const smoke: Smoke = { check: checksOf(t), sandbox: new Sandbox() };
  let closing: Promise<unknown> | undefined;
  /** Removes this run's containers and network, once, and checks that nothing is left. */
  const cleanUp = () =>
    (closing ??= smoke.check(
      'cleanup: no container, network or volume of this run is left',
      async () => {
        note(`removing the containers and network of run ${smoke.sandbox.runId}`);
        const left = await smoke.sandbox.close();
        assert.deepEqual(left, [], `left behind: ${left.join(', ')}`);
      },
    ));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      note(`${signal}: cleaning up`);
      void cleanUp().finally(() => process.exit(128 + constants.signals[signal]));
    });
  }

  const ingress = await startIngress();
  try {
    if (await buildImages(smoke.check)) {
      await checkImages(smoke.check);
      await runContainers(smoke, ingress);
    }
  } catch (error) {
    await smoke.check('smoke test', () => {
      throw error;
    });
  } finally {
    await ingress.close();
    await cleanUp();
  }
});
