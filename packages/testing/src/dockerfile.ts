/**
 * The one Dockerfile reader of the checks: enough of the format to tell what each stage is built
 * FROM, what it copies from the build context and the USER, WORKDIR, CMD and ENV it runs with.
 * The Kubernetes tests read the stages Skaffold builds; the container smoke test, the public
 * base images to have at hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './builds.ts';

export interface StageSettings {
  user?: string;
  workdir?: string;
  /** The CMD instruction's argument, as written (exec form is a JSON array). */
  cmd?: string;
  env: Record<string, string>;
}

export interface Stage extends StageSettings {
  name: string | undefined;
  /** The image or earlier stage it is built on, ARG defaults put in as Docker does. */
  from: string;
  /** Source paths of the stage's COPY instructions from the build context (not --from). */
  copies: string[];
}

const SETTINGS = { USER: 'user', WORKDIR: 'workdir', CMD: 'cmd' } as const;

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  // Only the ARGs before the first FROM may be used in FROM lines.
  const globalArgs = new Map<string, string>();
  const lines = text.replace(/^\s*#.*\n/gm, '').replace(/\\\n/g, ' ');
  for (const [keyword = '', ...rest] of lines.split('\n').map((line) => line.trim().split(/\s+/))) {
    const instruction = keyword.toUpperCase();
    const args = rest.filter((arg) => !arg.startsWith('--'));
    const stage = stages.at(-1);
    const setting = SETTINGS[instruction as keyof typeof SETTINGS];
    if (instruction === 'ARG' && !stage && rest[0]?.includes('=')) {
      const [name = '', ...value] = rest[0].split('=');
      globalArgs.set(name, value.join('='));
    } else if (instruction === 'FROM') {
      const as = args.findIndex((arg) => arg.toUpperCase() === 'AS');
      const name = as >= 0 ? args[as + 1] : undefined;
      const from = (args[0] ?? '').replace(
        /\$\{?(\w+)\}?/g,
        (_, arg: string) => globalArgs.get(arg) ?? '',
      );
      stages.push({ from, name, env: {}, copies: [] });
    } else if (stage && setting) {
      stage[setting] = rest.join(' ');
    } else if (stage && instruction === 'ENV') {
      // `ENV a=1 b=2`, or the legacy `ENV name value`; values as written (no quotes here).
      const pairs = rest[0]?.includes('=')
        ? rest.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)])
        : [[rest[0], rest.slice(1).join(' ')]];
      Object.assign(stage.env, Object.fromEntries(pairs));
    } else if (stage && instruction === 'COPY' && !rest.some((arg) => arg.startsWith('--from'))) {
      stage.copies.push(...args.slice(0, -1));
    }
  }
  return stages;
}

/** The stages of a Dockerfile in the repository. */
export const readStages = (dockerfile: string) =>
  parseStages(readFileSync(path.resolve(REPO_ROOT, dockerfile), 'utf8'));

/** The build target a name picks (the last stage when none is given). */
export function targetStage(stages: Stage[], target: string | undefined): Stage | undefined {
  return target === undefined ? stages.at(-1) : stages.find((stage) => stage.name === target);
}

/** The earlier stage of the same file that a stage's FROM names, if it names one. */
const parentOf = (stages: Stage[], stage: Stage) =>
  stages.slice(0, stages.indexOf(stage)).find((candidate) => candidate.name === stage.from);

/** A stage's effective USER/WORKDIR/CMD/ENV, inherited from the stage it is built FROM. */
export function effective(stages: Stage[], stage: Stage): StageSettings {
  const parent = parentOf(stages, stage);
  const inherited: StageSettings = parent ? effective(stages, parent) : { env: {} };
  return {
    user: stage.user ?? inherited.user,
    workdir: stage.workdir ?? inherited.workdir,
    cmd: stage.cmd ?? inherited.cmd,
    env: { ...inherited.env, ...stage.env },
  };
}

/** The public images the stages are built on, in order: not the file's own stages, nor scratch. */
export const baseImages = (stages: Stage[]) =>
  stages
    .filter((stage) => !parentOf(stages, stage) && stage.from !== 'scratch')
    .map((stage) => stage.from);
