/**
 * `npm run test:containers`: builds the images — the app's three and the development identity
 * provider — and runs them the way a local cluster will, on a private Docker network with a
 * DynamoDB-compatible server, signing in through the provider's container. Each check is a
 * node:test subtest of one test (checks.ts): node:test reports them on stdout as they end and
 * sets the exit code. Progress notes go to stderr.
 *
 * Every container and network it makes carries this run's label and is removed at the end, also
 * after a failure or Ctrl-C. The images stay (tags *:smoke), so the next run builds from cache.
 */
import { constants } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPORTER_ENV_VARS } from '@task-manager/batch/config';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import { TASK_SERVICE_COMMAND, TASK_SERVICE_MALLOC_ENV } from '@task-manager/task-service/launch';
import { IDENTITY_PROVIDER_ENV_VARS } from '../../services/identity-provider/src/config.ts';
import { TASK_SERVICE_ENV_VARS } from '../../services/task-service/src/config.ts';
import { baseImagesOf, ensureBaseImages } from './base-images.ts';
import { checkInBrowser } from './browser.ts';
import { Checks } from './checks.ts';
import { environmentFor, readConfigMap, readLocalSignIn } from './cluster-config.ts';
import { checkServiceDev, checkWebDev } from './dev-targets.ts';
import { createTables, dynamodbEndpoint, startDynamodb } from './dynamodb.ts';
import { PROVIDER_ENV, runSecrets, SmokeSignIn, startProvider, stopProvider } from './identity.ts';
import { checkNodeImage, checkWebImage } from './image-checks.ts';
import {
  allImages,
  build,
  devImages,
  dynaliteImage,
  images,
  megabytes,
  repoRoot,
  sizeOnTopOf,
} from './images.ts';
import { startIngress, type Ingress } from './ingress.ts';
import { checkReport, dayIn, runReporter, runTracedReporter } from './reporter.ts';
import { Sandbox } from './sandbox.ts';
import { checkBuildContextFilter, checkNoSecrets } from './secrets.ts';
import {
  checkCompileCache,
  checkSignIn,
  checkTracedService,
  exerciseTasks,
  SMOKE_ADMIN,
  startService,
} from './service.ts';
import { stopServiceDuringRequest, stopWebDuringRequest } from './shutdown.ts';
import { checkWeb, startWeb } from './web.ts';

const STANDIN_TOOL = path.resolve(repoRoot, '..', 'shared', 'tools', 'standin-base-images');

const note = (message: string): void => void process.stderr.write(`# ${message}\n`);

let checks: Checks;
const sandbox = new Sandbox();
let closing: Promise<void> | undefined;

/** Removes this run's containers and network, once, and checks that nothing is left. */
function cleanUp(): Promise<void> {
  closing ??= (async () => {
    note(`removing the containers and network of run ${sandbox.runId}`);
    await checks.check('cleanup: no container, network or volume of this run is left', async () => {
      const left = await sandbox.close();
      if (left.length > 0) throw new Error(`left behind: ${left.join(', ')}`);
    });
  })();
  return closing;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    note(`${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(128 + constants.signals[signal]));
  });
}

/** Base images, the product images, the dev targets and the DynamoDB helper; false on failure. */
async function buildImages(): Promise<boolean> {
  const bases = await checks.step(
    'base images available',
    () =>
      ensureBaseImages(
        allImages.map((image) => path.join(repoRoot, image.dockerfile)),
        STANDIN_TOOL,
      ),
    ({ images: names, how }) => `${names.join(', ')}: ${how}`,
  );
  if (!bases) return false;

  let built = true;
  const targets = [
    ...allImages.map((image) => ({ ...image, target: undefined })),
    ...devImages,
    dynaliteImage,
  ];
  for (const { dockerfile, tag, target } of targets) {
    note(`building ${tag} from ${dockerfile}`);
    const ok = await checks.step(
      `docker build ${dockerfile} ${target ? `--target ${target}` : '(default target)'} -> ${tag}`,
      () => build(dockerfile, tag, target),
      ({ seconds }) => `${seconds.toFixed(1)} s`,
    );
    built &&= ok !== undefined;
  }
  return built;
}

async function reportSizes(): Promise<void> {
  for (const image of allImages) {
    // The base of the last stage, the one the image is made of.
    const base = baseImagesOf(path.join(repoRoot, image.dockerfile)).at(-1) ?? '';
    await checks.step(
      `${image.tag}: size`,
      () => sizeOnTopOf(image.tag, base),
      (size) =>
        `${megabytes(size.size)}; the project adds ${megabytes(size.added)} ` +
        `in ${size.addedLayers} layers on top of ${size.base}`,
    );
  }
}

async function inspectImages(): Promise<void> {
  await checkNodeImage(
    checks,
    images.service.tag,
    'services/task-service',
    TASK_SERVICE_COMMAND,
    TASK_SERVICE_MALLOC_ENV,
  );
  await checkNodeImage(checks, images.reporter.tag, 'batch', REPORTER_COMMAND);
  await checkNodeImage(checks, images.provider.tag, 'services/identity-provider', [
    'node',
    'services/identity-provider/dist/main.js',
  ]);
  await checkWebImage(checks, images.web.tag);
  await checkBuildContextFilter(checks);
  for (const image of allImages) await checkNoSecrets(checks, image.tag);
}

/**
 * Everything that runs: the stack as a local cluster runs it, signed in through the provider's
 * container, then the dev targets, then the stops. `ingress` is the app's one address: the
 * provider and task-service are started with it as the issuer's origin and PUBLIC_URL.
 */
async function runContainers(ingress: Ingress): Promise<void> {
  const configMap = readConfigMap(path.join(repoRoot, 'k8s', 'base'));
  // The local cluster's sign-in settings, at this run's address, and this run's Secret.
  const settings: Record<string, string> = {
    ...configMap,
    ...readLocalSignIn(repoRoot, ingress.url),
    ...runSecrets(),
    IDP_ADMIN_USERS: SMOKE_ADMIN,
  };
  const endpoint = { DYNAMODB_ENDPOINT: dynamodbEndpoint };
  const serviceEnv = environmentFor(settings, TASK_SERVICE_ENV_VARS, endpoint);
  const providerEnv = environmentFor(settings, PROVIDER_ENV, {});
  const reporterEnv = environmentFor(configMap, REPORTER_ENV_VARS, endpoint);
  const signIn = new SmokeSignIn(settings.OIDC_ISSUER!, settings.PUBLIC_URL!);
  if (!PROVIDER_ENV.every((name) => IDENTITY_PROVIDER_ENV_VARS.includes(name))) {
    throw new Error('PROVIDER_ENV names a variable the identity provider does not read');
  }

  await sandbox.open();
  note(`network ${sandbox.network}; DynamoDB at ${dynamodbEndpoint}; the app at ${ingress.url}`);
  const dynamodb = await checks.step('DynamoDB-compatible server (dynalite) starts', () =>
    startDynamodb(sandbox, dynaliteImage.tag),
  );
  if (!dynamodb) return;
  const tables = await createTables(checks, sandbox, configMap, images.service.tag, 'tables');
  if (!tables) return;
  // The CronJob's init container runs the same command from the reporter image: a no-op now.
  await createTables(checks, sandbox, configMap, images.reporter.tag, 'tables-again');

  const provider = await startProvider(checks, sandbox, images.provider.tag, providerEnv);
  if (provider) ingress.route('identity-provider', provider.url);
  const service = await startService(checks, sandbox, images.service.tag, serviceEnv);
  if (service) ingress.route('task-service', service.url);
  let task;
  if (provider && service) {
    await checkSignIn(checks, images.service.tag, service.url, signIn);
    task = await exerciseTasks(checks, images.service.tag, service.url, signIn);
  }
  if (service) await checkTracedService(checks, sandbox, images.service.tag, serviceEnv);
  await checkCompileCache(checks, sandbox, images.service.tag);

  let reportDate: string | undefined;
  if (service && task?.completedAt) {
    const date = dayIn(task.completedAt, reporterEnv.REPORT_TIMEZONE ?? 'Asia/Tokyo');
    if (await runReporter(checks, sandbox, images.reporter.tag, reporterEnv, date)) {
      const read = await checkReport(checks, images.service.tag, service.url, date, task, signIn);
      if (read) reportDate = date;
      await runTracedReporter(checks, sandbox, images.reporter.tag, reporterEnv, date);
    }
  }

  const web = await startWeb(checks, sandbox, images.web.tag);
  if (web) {
    ingress.route('task-web', web.url);
    await checkWeb(checks, images.web.tag, web.url);
    if (service && task) {
      await checkInBrowser(checks, images.web.tag, ingress, signIn.issuer, task, reportDate);
    }
  }

  await checkServiceDev(checks, sandbox, devImages[0].tag, serviceEnv);
  await checkWebDev(checks, sandbox, devImages[1].tag);

  if (web) await stopWebDuringRequest(checks, sandbox, images.web.tag, web);
  if (service) {
    await stopServiceDuringRequest(checks, sandbox, images.service.tag, service, dynamodb, signIn);
  }
  if (provider) await stopProvider(checks, sandbox, images.provider.tag, provider);
}

test('npm run test:containers', async (t) => {
  checks = new Checks(t);
  const ingress = await startIngress();
  try {
    if (await buildImages()) {
      await reportSizes();
      await inspectImages();
      await runContainers(ingress);
    }
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    await checks.fail('smoke test', reason);
  } finally {
    await ingress.close();
    await cleanUp();
  }
});
