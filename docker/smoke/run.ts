/**
 * `npm run test:containers`: builds the three images and runs them the way the cluster will, on
 * a private Docker network with a DynamoDB-compatible server. One line per check on stdout, then
 * `N passed, N failed`; the exit code is non-zero on any failure. Progress notes go to stderr.
 *
 * Every container and network it makes carries this run's label and is removed at the end, also
 * after a failure or Ctrl-C. The images stay (tags *:smoke), so the next run builds from cache.
 */
import path from 'node:path';
import { REPORTER_ENV_VARS } from '@task-manager/batch/config';
import { TASK_SERVICE_ENV_VARS } from '../../services/task-service/src/config.ts';
import { ensureBaseImages, baseImagesOf } from './base-images.ts';
import { checkInBrowser } from './browser.ts';
import { Checks } from './checks.ts';
import { environmentFor, readConfigMap } from './cluster-config.ts';
import { checkServiceDev, checkWebDev } from './dev-targets.ts';
import { createTables, dynamodbEndpoint, startDynamodb } from './dynamodb.ts';
import { checkNodeImage, checkWebImage } from './image-checks.ts';
import {
  allImages,
  build,
  dynaliteImage,
  images,
  megabytes,
  repoRoot,
  sizeOnTopOf,
} from './images.ts';
import { checkReport, dayIn, runReporter } from './reporter.ts';
import { Sandbox } from './sandbox.ts';
import { exerciseTasks, SMOKE_ADMIN, startService } from './service.ts';
import { stopServiceDuringRequest, stopWebDuringRequest } from './shutdown.ts';
import { checkWeb, startWeb } from './web.ts';

const note = (message: string): void => void process.stderr.write(`# ${message}\n`);

const checks = new Checks();
const sandbox = new Sandbox();
let closing: Promise<void> | undefined;

/** Removes this run's containers and network, once, and reports whether anything was left. */
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
      process.exit(130);
    });
  });
}

async function buildImages(): Promise<boolean> {
  const dockerfiles = allImages.map((image) => path.join(repoRoot, image.dockerfile));
  const bases = await checks.step(
    'base images available',
    () =>
      ensureBaseImages(
        dockerfiles,
        path.resolve(repoRoot, '..', 'shared', 'tools', 'standin-base-images'),
      ),
    ({ images: names, how }) => `${names.join(', ')}: ${how}`,
  );
  if (!bases) return false;

  let built = true;
  for (const image of allImages) {
    note(`building ${image.tag} from ${image.dockerfile}`);
    const ok = await checks.step(
      `docker build ${image.dockerfile} (default target) -> ${image.tag}`,
      () => build(image.dockerfile, image.tag),
      ({ seconds }) => `${seconds.toFixed(1)} s`,
    );
    built &&= ok !== undefined;
  }
  for (const [dockerfile, target, tag] of [
    [images.service.dockerfile, 'dev', `${images.service.name}:smoke-dev`],
    [images.web.dockerfile, 'dev', `${images.web.name}:smoke-dev`],
    [dynaliteImage.dockerfile, dynaliteImage.target, dynaliteImage.tag],
  ] as const) {
    const ok = await checks.step(
      `docker build ${dockerfile} --target ${target} -> ${tag}`,
      () => build(dockerfile, tag, target),
      ({ seconds }) => `${seconds.toFixed(1)} s`,
    );
    built &&= ok !== undefined;
  }
  if (!built) return false;

  for (const image of allImages) {
    const base = baseImagesOf(path.join(repoRoot, image.dockerfile)).at(-1) ?? '';
    await checks.step(
      `${image.tag}: size`,
      () => sizeOnTopOf(image.tag, base),
      (size) =>
        `${megabytes(size.size)}; ${megabytes(size.added)} in ${size.addedLayers} layers on top of ${size.base}`,
    );
  }
  return true;
}

async function main(): Promise<void> {
  const configMap = readConfigMap(path.join(repoRoot, 'k8s', 'base'));
  const endpoint = { DYNAMODB_ENDPOINT: dynamodbEndpoint };
  const serviceEnv = environmentFor(configMap, TASK_SERVICE_ENV_VARS, {
    ...endpoint,
    ADMIN_USERS: SMOKE_ADMIN,
  });
  const reporterEnv = environmentFor(configMap, REPORTER_ENV_VARS, endpoint);

  if (!(await buildImages())) return;

  await checkNodeImage(checks, images.service.tag, 'services/task-service', [
    'node',
    'services/task-service/dist/main.js',
  ]);
  await checkNodeImage(checks, images.reporter.tag, 'batch', ['node', 'batch/dist/main.js']);
  await checkWebImage(checks, images.web.tag);

  await sandbox.open();
  note(`network ${sandbox.network}; DynamoDB at ${dynamodbEndpoint}`);
  const dynamodb = await checks.step('DynamoDB-compatible server (dynalite) starts', () =>
    startDynamodb(sandbox, dynaliteImage.tag),
  );
  if (!dynamodb) return;
  if (!(await createTables(checks, sandbox, configMap, images.service.tag, 'create-tables'))) {
    return;
  }
  // The CronJob's init container runs the same command from the reporter image; a no-op now.
  await createTables(checks, sandbox, configMap, images.reporter.tag, 'create-tables-again');

  const service = await startService(checks, sandbox, images.service.tag, serviceEnv);
  const serviceUrl = service?.url;
  const task = serviceUrl ? await exerciseTasks(checks, images.service.tag, serviceUrl) : undefined;

  const web = await startWeb(checks, sandbox, images.web.tag);
  if (web?.url) {
    await checkWeb(checks, images.web.tag, web.url);
    if (serviceUrl && task) {
      await checkInBrowser(checks, images.web.tag, web.url, serviceUrl, task);
    }
  }

  if (serviceUrl && task?.completedAt) {
    const timeZone = reporterEnv.REPORT_TIMEZONE ?? 'Asia/Tokyo';
    const date = dayIn(task.completedAt, timeZone);
    if (await runReporter(checks, sandbox, images.reporter.tag, reporterEnv, date)) {
      await checkReport(checks, images.service.tag, serviceUrl, date, task);
    }
  }

  await checkServiceDev(checks, sandbox, `${images.service.name}:smoke-dev`, serviceEnv);
  await checkWebDev(checks, sandbox, `${images.web.name}:smoke-dev`);

  if (web?.url)
    await stopWebDuringRequest(checks, sandbox, images.web.tag, { ...web, url: web.url });
  if (service?.url) {
    await stopServiceDuringRequest(
      checks,
      sandbox,
      images.service.tag,
      { ...service, url: service.url },
      dynamodb,
    );
  }
}

try {
  await main();
} catch (error) {
  checks.fail(
    'smoke test',
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
} finally {
  await cleanUp();
}
console.log(checks.summary());
process.exitCode = checks.failed > 0 || checks.passed === 0 ? 1 : 0;
