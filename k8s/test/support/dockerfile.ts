/**
 * Just enough of a Dockerfile parser to check the images against the manifests: the stages
 * (build targets) and the user, working directory, environment and command each stage runs with.
 */
import { readFileSync } from 'node:fs';

export interface Stage {
  name: string | undefined;
  from: string;
  user: string | undefined;
  workdir: string | undefined;
  /** The CMD instruction's argument, as written (exec form is a JSON array). */
  cmd: string | undefined;
  /** The variables the stage's own ENV instructions set. */
  env: Record<string, string>;
  /** Source paths of the stage's COPY instructions from the build context (not --from). */
  copies: string[];
}

function instructions(text: string): string[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `ENV a=1 b=2`, or the legacy `ENV a 1`; values are taken as written (no quotes here). */
function envAssignments(words: string[]): Record<string, string> {
  if (!words[0]?.includes('=')) return { [words[0] ?? '']: words.slice(1).join(' ') };
  return Object.fromEntries(
    words.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of instructions(text)) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = keyword.toUpperCase();
    if (instruction === 'FROM') {
      const args = rest.filter((arg) => !arg.startsWith('--'));
      const asIndex = args.findIndex((arg) => arg.toUpperCase() === 'AS');
      stages.push({
        from: args[0] ?? '',
        name: asIndex >= 0 ? args[asIndex + 1] : undefined,
        user: undefined,
        workdir: undefined,
        cmd: undefined,
        env: {},
        copies: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) continue;
    if (instruction === 'USER') stage.user = rest.join(' ');
    if (instruction === 'WORKDIR') stage.workdir = rest.join(' ');
    if (instruction === 'CMD') stage.cmd = rest.join(' ');
    if (instruction === 'ENV') Object.assign(stage.env, envAssignments(rest));
    if (instruction === 'COPY' && !rest.some((arg) => arg.startsWith('--from'))) {
      const paths = rest.filter((arg) => !arg.startsWith('--'));
      stage.copies.push(...paths.slice(0, -1));
    }
  }
  return stages;
}

export function readStages(file: string): Stage[] {
  return parseStages(readFileSync(file, 'utf8'));
}

/** The stage a build target names (the last stage when no target is given). */
export function targetStage(stages: Stage[], target: string | undefined): Stage | undefined {
  return target === undefined ? stages.at(-1) : stages.find((stage) => stage.name === target);
}

/** A stage's effective USER/WORKDIR/CMD, inherited from the stage it is built FROM. */
export function effective(
  stages: Stage[],
  stage: Stage,
  field: 'user' | 'workdir' | 'cmd',
): string | undefined {
  const own = stage[field];
  if (own !== undefined) return own;
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent && parent !== stage ? effective(stages, parent, field) : undefined;
}

/** A stage's environment: what it sets over what the stage it is built FROM sets. */
export function effectiveEnv(stages: Stage[], stage: Stage): Record<string, string> {
  const parent = stages.find((candidate) => candidate.name === stage.from);
  const inherited = parent && parent !== stage ? effectiveEnv(stages, parent) : {};
  return { ...inherited, ...stage.env };
}
