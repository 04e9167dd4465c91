/**
 * Making sure the Dockerfiles' base images are there before building. Where a registry answers,
 * missing images are pulled; where none does (these machines), the shared stand-in tool builds
 * local images under the same names and starts a Docker engine if none runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { docker, runChecked } from './command.ts';

/** The public images named by FROM lines (after ARG defaults), excluding the files' own stages. */
export function baseImagesOf(dockerfile: string): string[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const images: string[] = [];
  for (const raw of readFileSync(dockerfile, 'utf8').split('\n')) {
    const words = raw.trim().split(/\s+/);
    const instruction = words[0]?.toUpperCase();
    if (instruction === 'ARG' && words[1]?.includes('=')) {
      const [name = '', ...value] = words[1].split('=');
      args.set(name, value.join('='));
    } else if (instruction === 'FROM') {
      const operands = words.slice(1).filter((word) => !word.startsWith('--'));
      const image = (operands[0] ?? '').replace(
        /\$\{?(\w+)\}?/g,
        (_, name: string) => args.get(name) ?? '',
      );
      if (!stages.has(image) && image !== 'scratch') images.push(image);
      if (operands[1]?.toUpperCase() === 'AS' && operands[2]) stages.add(operands[2]);
    }
  }
  return images;
}

/** False also when there is no docker CLI yet (the stand-in tool installs Debian's docker.io). */
async function engineAnswers(): Promise<boolean> {
  try {
    return (await docker(['version', '--format', '{{.Server.Version}}'])).code === 0;
  } catch {
    return false;
  }
}

async function present(image: string): Promise<boolean> {
  return (await docker(['image', 'inspect', image])).code === 0;
}

export interface BaseImagesOutcome {
  images: string[];
  /** How the missing ones were obtained, for the report line. */
  how: string;
}

export async function ensureBaseImages(
  dockerfiles: readonly string[],
  standinTool: string,
): Promise<BaseImagesOutcome> {
  const images = [...new Set(dockerfiles.flatMap(baseImagesOf))].sort();
  const engineWasUp = await engineAnswers();
  let missing = images;
  if (engineWasUp) {
    missing = [];
    for (const image of images) if (!(await present(image))) missing.push(image);
    if (missing.length === 0) return { images, how: 'all present' };
    const unpulled: string[] = [];
    for (const image of missing) {
      const pull = await docker(['pull', '--quiet', image], { timeoutMs: 300_000 });
      if (pull.code !== 0) unpulled.push(image);
    }
    if (unpulled.length === 0) return { images, how: `pulled ${missing.join(', ')}` };
    missing = unpulled;
  }
  if (!existsSync(standinTool)) {
    throw new Error(`cannot pull ${missing.join(', ')} and ${standinTool} is not there`);
  }
  await runChecked(standinTool, dockerfiles, { timeoutMs: 540_000, echo: true });
  for (const image of images) {
    if (!(await present(image)))
      throw new Error(`${image} is still missing after the stand-in tool`);
  }
  return {
    images,
    how: engineWasUp
      ? `no registry: stand-ins built for ${missing.join(', ')}`
      : 'no Docker engine answered: the stand-in tool started one and built what was missing',
  };
}
