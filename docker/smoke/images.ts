/** The images — the app's three and the identity provider's — and stages built as images. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { baseImages, readStages, REPO_ROOT } from '@task-manager/testing';
import { docker, dockerChecked, FAILED, note, secondsSince, type Check } from './support.ts';

/** `target`: a stage built as an image of its own. */
export type ImageSpec = { dockerfile: string; tag: string; target?: string };

function image(name: string, tag = `${name}:smoke`, target?: string): ImageSpec {
  return { dockerfile: `docker/${name}.Dockerfile`, tag, target };
}

export const images = {
  service: image('task-service'),
  web: image('task-web'),
  reporter: image('task-reporter'),
  provider: image('identity-provider'),
};

export const allImages = Object.values(images);

/** The `skaffold dev` targets: task-service under node --watch, web on the Vite dev server. */
export const devImages = {
  service: image('task-service', 'task-service:smoke-dev', 'dev'),
  web: image('task-web', 'task-web:smoke-dev', 'dev'),
};

/** The `deps` stage (dynalite among its dev tools) is the DynamoDB-compatible server: cached. */
export const dynaliteImage = image('task-service', 'task-manager-smoke-deps:smoke', 'deps');

async function build({ dockerfile, tag, target }: ImageSpec): Promise<string> {
  const started = performance.now();
  const args = ['build', '--file', dockerfile, '--tag', tag, '.'];
  if (target) args.push('--target', target);
  // A cold build (npm ci of every workspace) takes a few minutes on two cores.
  await dockerChecked(args, { cwd: REPO_ROOT, timeout: 540_000 });
  return secondsSince(started);
}

type Inspected = {
  Size: number;
  Config: {
    User?: string;
    Cmd?: string[];
    Env?: string[];
    StopSignal?: string;
    ExposedPorts?: object;
  };
  RootFS: { Layers?: string[] };
};

export async function inspectImage(tag: string): Promise<Inspected> {
  return (JSON.parse(await dockerChecked(['image', 'inspect', tag])) as Inspected[])[0]!;
}

/**
 * `find` with `args`, run as root in a throw-away, network-less container of `image`: its stdout.
 * With `mayLack`, a start point the image does not have is no error (find exits 1 for it).
 */
export async function findInImage(image: string, args: string[], { mayLack = false } = {}) {
  const run = ['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'find'];
  const { code, stdout, stderr } = await docker([...run, image, ...args]);
  assert.ok(code === 0 || (mayLack && code === 1), `find in ${image}: exit ${code}: ${stderr}`);
  return stdout;
}

/** The image's size and what the project adds on top of the base image of its last stage. */
export async function sizeOnTopOf({ tag, dockerfile }: ImageSpec): Promise<string> {
  const base = baseImages(readStages(dockerfile)).at(-1) ?? '';
  const [mine, theirs] = await Promise.all([inspectImage(tag), inspectImage(base)]);
  const [layers = [], baseLayers = []] = [mine.RootFS.Layers, theirs.RootFS.Layers];
  const shared = baseLayers.every((layer, index) => layers[index] === layer);
  assert.ok(shared, `${tag} is not built on the local ${base}`);
  const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
  return (
    `${megabytes(mine.Size)}; the project adds ${megabytes(mine.Size - theirs.Size)} ` +
    `in ${layers.length - baseLayers.length} layers on top of ${base}`
  );
}

/** The base images: present, else pulled, else (no registry) built by `standinTool`. */
async function ensureBaseImages(standinTool: string): Promise<string> {
  const dockerfiles = allImages.map((spec) => spec.dockerfile);
  const bases = [...new Set(dockerfiles.flatMap((file) => baseImages(readStages(file))))].sort();
  // Without an engine or a docker CLI yet (the tool provides both), all are absent.
  const absent = async () => {
    const inspect = (base: string) => docker(['image', 'inspect', base]).catch(() => ({ code: 1 }));
    const codes = (await Promise.all(bases.map(inspect))).map(({ code }) => code);
    return bases.filter((_, i) => codes[i] !== 0);
  };
  const missing = await absent();
  if (missing.length === 0) return `${bases.join(', ')}: all present`;
  for (const base of missing)
    await docker(['pull', '--quiet', base], { timeout: 300_000 }).catch(() => undefined);
  const unpulled = await absent();
  if (unpulled.length === 0) return `${bases.join(', ')}: pulled ${missing.join(', ')}`;
  assert.ok(existsSync(standinTool), `cannot pull ${unpulled.join(', ')}; no ${standinTool}`);
  // Its output goes to stderr with the progress notes: stdout is node:test's report.
  const files = dockerfiles.map((file) => path.join(REPO_ROOT, file));
  const tool = spawn(standinTool, files, { stdio: ['ignore', 2, 2], timeout: 540_000 });
  assert.deepEqual(await once(tool, 'close'), [0, null], `${standinTool} failed`);
  assert.deepEqual(await absent(), [], 'still missing after the stand-in tool');
  return `${bases.join(', ')}: no registry: stand-ins built for ${unpulled.join(', ')}`;
}

/** The base images, then the product images, the dev targets and dynalite; false on failure. */
export async function buildImages(check: Check): Promise<boolean> {
  const standin = path.resolve(REPO_ROOT, '..', 'shared', 'tools', 'standin-base-images');
  const available = await check('base images available', () => ensureBaseImages(standin));
  if (available === FAILED) return false;
  let built = true;
  for (const spec of [...allImages, ...Object.values(devImages), dynaliteImage]) {
    note(`building ${spec.tag} from ${spec.dockerfile}`);
    const target = spec.target ? `--target ${spec.target}` : '(default target)';
    const name = `docker build ${spec.dockerfile} ${target} -> ${spec.tag}`;
    built = (await check(name, () => build(spec))) !== FAILED && built;
  }
  return built;
}
