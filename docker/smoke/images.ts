/**
 * The product images — the three of the app and the development identity provider — and the
 * helper the test builds from a stage of one of them: how to build each, and how much each
 * weighs on top of its base image.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dockerChecked } from './command.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImageSpec {
  /** Image and Skaffold artifact name (skaffold.yaml). */
  name: 'task-service' | 'task-web' | 'task-reporter' | 'identity-provider';
  dockerfile: string;
  /** The tag this test builds and runs. */
  tag: string;
}

const TAG = 'smoke';

export const images = {
  service: {
    name: 'task-service',
    dockerfile: 'docker/task-service.Dockerfile',
    tag: `task-service:${TAG}`,
  },
  web: { name: 'task-web', dockerfile: 'docker/task-web.Dockerfile', tag: `task-web:${TAG}` },
  reporter: {
    name: 'task-reporter',
    dockerfile: 'docker/task-reporter.Dockerfile',
    tag: `task-reporter:${TAG}`,
  },
  provider: {
    name: 'identity-provider',
    dockerfile: 'docker/identity-provider.Dockerfile',
    tag: `identity-provider:${TAG}`,
  },
} as const satisfies Record<string, ImageSpec>;

export const allImages: readonly ImageSpec[] = [
  images.service,
  images.web,
  images.reporter,
  images.provider,
];

/** A stage of a Dockerfile built as an image of its own. */
export interface TargetSpec {
  dockerfile: string;
  target: string;
  tag: string;
}

/** The `skaffold dev` targets: task-service under node --watch, web on the Vite dev server. */
export const devImages = [
  { dockerfile: images.service.dockerfile, target: 'dev', tag: `task-service:${TAG}-dev` },
  { dockerfile: images.web.dockerfile, target: 'dev', tag: `task-web:${TAG}-dev` },
] as const satisfies readonly TargetSpec[];

/**
 * The `deps` stage (every workspace's dependencies, dynalite among the dev tools) doubles as the
 * DynamoDB-compatible server: it is already in the build cache and has the locked version.
 */
export const dynaliteImage = {
  dockerfile: images.service.dockerfile,
  target: 'deps',
  tag: `task-manager-smoke-deps:${TAG}`,
} as const satisfies TargetSpec;

export async function build(
  dockerfile: string,
  tag: string,
  target?: string,
): Promise<{ seconds: number }> {
  const started = performance.now();
  const args = ['build', '--file', dockerfile, '--tag', tag];
  if (target) args.push('--target', target);
  // A cold build (npm ci of every workspace) takes a few minutes on two cores.
  await dockerChecked([...args, '.'], { cwd: repoRoot, timeoutMs: 540_000 });
  return { seconds: (performance.now() - started) / 1000 };
}

interface ImageFacts {
  size: number;
  user: string;
  cmd: string[];
  /** The image's ENV, as NAME=value strings. */
  env: string[];
  entrypoint: string[] | null;
  stopSignal: string | undefined;
  exposedPorts: string[];
  layers: string[];
}

export async function inspectImage(image: string): Promise<ImageFacts> {
  const [raw] = JSON.parse(await dockerChecked(['image', 'inspect', image])) as [
    {
      Size: number;
      Config: {
        User?: string;
        Cmd?: string[] | null;
        Env?: string[] | null;
        Entrypoint?: string[] | null;
        StopSignal?: string;
        ExposedPorts?: Record<string, unknown> | null;
      };
      RootFS: { Layers?: string[] };
    },
  ];
  return {
    size: raw.Size,
    user: raw.Config.User ?? '',
    cmd: raw.Config.Cmd ?? [],
    env: raw.Config.Env ?? [],
    entrypoint: raw.Config.Entrypoint ?? null,
    stopSignal: raw.Config.StopSignal,
    exposedPorts: Object.keys(raw.Config.ExposedPorts ?? {}),
    layers: raw.RootFS.Layers ?? [],
  };
}

export interface SizeReport {
  image: string;
  base: string;
  size: number;
  added: number;
  addedLayers: number;
}

/** The image's size and what the project adds on top of the base image it was built from. */
export async function sizeOnTopOf(image: string, base: string): Promise<SizeReport> {
  const [mine, theirs] = await Promise.all([inspectImage(image), inspectImage(base)]);
  const shared = theirs.layers.every((layer, index) => mine.layers[index] === layer);
  if (!shared) throw new Error(`${image} is not built on the local ${base}`);
  return {
    image,
    base,
    size: mine.size,
    added: mine.size - theirs.size,
    addedLayers: mine.layers.length - theirs.layers.length,
  };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
