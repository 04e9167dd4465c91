/**
 * `npm run test:containers`: builds the three images and runs them the way the cluster will, on
 * a private Docker network with a DynamoDB-compatible server. One line per check on stdout, then
 * `N passed, N failed`; the exit code is non-zero on any failure. Progress notes go to stderr.
 *
 * Every container and network it makes carries this run's label and is removed at the end, also
 * after a failure or Ctrl-C. The images stay (tags *:smoke), so the next run builds from cache.
 */
import { constants } from 'node:os';
import path from 'node:path';
import { REPORTER_ENV_VARS } from '@task-manager/batch/config';
import { REPORTER_COMMAND } from '@task-manager/batch/launch';
import { TASK_SERVICE_ENV_VARS } from '../../services/task-service/src/config.ts';
import { baseImagesOf, ensureBaseImages } from './base-images.ts';
import { checkInBrowser } from './browser.ts';
import { Checks } from './checks.ts';
import { environmentFor, readConfigMap } from './cluster-config.ts';
import { checkServiceDev, checkWebDev } from './dev-targets.ts';
import { createTables, dynamodbEndpoint, startDynamodb } from './dynamodb.ts';
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
import { checkReport, dayIn, runReporter, runTracedReporter } from './reporter.ts';
import { Sandbox } from './sandbox.ts';
import { exerciseTasks, SMOKE_ADMIN, startService } from './service.ts';
import { stopServiceDuringRequest, stopWebDuringRequest } from './shutdown.ts';
import { checkWeb, startWeb } from './web.ts';

const STANDIN_TOOL = path.resolve(repoRoot, '..', 'shared', 'tools', 'standin-base-images');

const note = (message: string): void => void process.stderr.write(`# ${message}\n`);

const checks = new Checks();
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
    void cleanUp().finally(() => {
      console.log(checks.summary());
      process.exit(128 + constants.signals[signal]);
    });
  });
}

/** Base images, the three images, the dev targets and the DynamoDB helper; false on failure. */
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
  await checkNodeImage(checks, images.service.tag, 'services/task-service', [
    'node',
    'services/task-service/dist/main.js',
  ]);
  await checkNodeImage(checks, images.reporter.tag, 'batch', REPORTER_COMMAND);
  await checkWebImage(checks, images.web.tag);
}

/** Everything that runs: the stack as the cluster runs it, the dev targets, then the stops. */
async function runContainers(): Promise<void> {
  const configMap = readConfigMap(path.join(repoRoot, 'k8s', 'base'));
  const endpoint = { DYNAMODB_ENDPOINT: dynamodbEndpoint };
  const serviceEnv = environmentFor(configMap, TASK_SERVICE_ENV_VARS, {
    ...endpoint,
    ADMIN_USERS: SMOKE_ADMIN,
  });
  const reporterEnv = environmentFor(configMap, REPORTER_ENV_VARS, endpoint);

  await sandbox.open();
  note(`network ${sandbox.network}; DynamoDB at ${dynamodbEndpoint}`);
  const dynamodb = await checks.step('DynamoDB-compatible server (dynalite) starts', () =>
    startDynamodb(sandbox, dynaliteImage.tag),
  );
  if (!dynamodb) return;
  const tables = await createTables(checks, sandbox, configMap, images.service.tag, 'tables');
  if (!tables) return;
  // The CronJob's init container runs the same command from the reporter image: a no-op now.
  await createTables(checks, sandbox, configMap, images.reporter.tag, 'tables-again');

  const service = await startService(checks, sandbox, images.service.tag, serviceEnv);
  const task = service ? await exerciseTasks(checks, images.service.tag, service.url) : undefined;

  let reportDate: string | undefined;
  if (service && task?.completedAt) {
    const date = dayIn(task.completedAt, reporterEnv.REPORT_TIMEZONE ?? 'Asia/Tokyo');
    if (await runReporter(checks, sandbox, images.reporter.tag, reporterEnv, date)) {
      if (await checkReport(checks, images.service.tag, service.url, date, task)) reportDate = date;
      await runTracedReporter(checks, sandbox, images.reporter.tag, reporterEnv, date);
    }
  }

  const web = await startWeb(checks, sandbox, images.web.tag);
  if (web) {
    await checkWeb(checks, images.web.tag, web.url);
    if (service && task) {
      await checkInBrowser(checks, images.web.tag, web.url, service.url, task, reportDate);
    }
  }

  await checkServiceDev(checks, sandbox, devImages[0].tag, serviceEnv);
  await checkWebDev(checks, sandbox, devImages[1].tag);

  if (web) await stopWebDuringRequest(checks, sandbox, images.web.tag, web);
  if (service) {
    await stopServiceDuringRequest(checks, sandbox, images.service.tag, service, dynamodb);
  }
}

try {
  if (await buildImages()) {
    await reportSizes();
    await inspectImages();
    await runContainers();
  }
} catch (error) {
  const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
  checks.fail('smoke test', reason);
} finally {
  await cleanUp();
}
console.log(checks.summary());
process.exitCode = checks.failed > 0 || checks.passed === 0 ? 1 : 0;
