import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseImages, effective, parseStages, targetStage } from '../src/dockerfile.ts';

const DOCKERFILE = `ARG IMAGE=node:24-bookworm-slim
ARG TAG
FROM \${IMAGE} AS deps
ARG IMAGE=ignored:1
WORKDIR /app
ENV A=1 B=deps
COPY package.json \\
     package-lock.json ./
FROM deps AS dev
# USER root
USER 1000:1000
ENV B=dev \\
    C=x=y:z
ENV D legacy form
FROM busybox:$TAG AS tools
FROM $IMAGE AS runtime
COPY --from=deps /app ./`;

test('stages inherit USER, WORKDIR and ENV from the stage they are built on', () => {
  const stages = parseStages(DOCKERFILE);
  const named = stages.map(({ name, copies }) => [name, copies]);
  assert.deepEqual(named, [
    ['deps', ['package.json', 'package-lock.json']],
    ['dev', []],
    ['tools', []],
    ['runtime', []],
  ]);
  assert.deepEqual(effective(stages, stages[1]!), {
    user: '1000:1000',
    workdir: '/app',
    cmd: undefined,
    env: { A: '1', B: 'dev', C: 'x=y:z', D: 'legacy form' },
  });
  const last = effective(stages, targetStage(stages, undefined)!);
  assert.deepEqual(last, { user: undefined, workdir: undefined, cmd: undefined, env: {} });
  assert.equal(targetStage(stages, 'nope'), undefined);
});

test('FROM lines get the ARG defaults declared before the first FROM, as Docker gives them', () => {
  const stages = parseStages(DOCKERFILE);
  assert.deepEqual(
    stages.map((stage) => stage.from),
    ['node:24-bookworm-slim', 'deps', 'busybox:', 'node:24-bookworm-slim'],
  );
  // The base images: not the file's own stages.
  assert.deepEqual(baseImages(stages), [
    'node:24-bookworm-slim',
    'busybox:',
    'node:24-bookworm-slim',
  ]);
  assert.deepEqual(baseImages(parseStages('FROM scratch AS empty\nFROM empty\n')), []);
});
