/**
 * The `minikube start` flags in the documentation give the cluster what the manifests request:
 * the sum is recomputed here from the rendered overlays (support/cluster-size.ts), so a raised
 * request or an extra replica fails this test until the documented flags follow.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  appRequests,
  CALICO,
  INGRESS_CONTROLLER,
  KIND_NODE_OVERHEAD,
  mebibytes,
  minikubeFlags,
  NODE_HEADROOM,
  peakPods,
  podRequests,
  sum,
  SYSTEM_PODS,
  type Resources,
} from './support/cluster-size.ts';
import { workloads } from './support/kube.ts';
import { fromRoot } from './support/paths.ts';
import { render } from './support/render.ts';

const DOCS = ['README.md', 'k8s/README.md'];

/** The larger of two, resource by resource. */
const atLeast = (a: Resources, b: Resources): Resources => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
});

/**
 * `skaffold dev` is the heaviest way to run it (dev images), with Jaeger when traced
 * (`skaffold dev -p tracing`); `skaffold run` fits in it.
 */
const app = () =>
  atLeast(
    atLeast(appRequests(render('dev')), appRequests(render('dev+tracing'))),
    appRequests(render('local')),
  );
const needed = () => sum(app(), SYSTEM_PODS, INGRESS_CONTROLLER, NODE_HEADROOM);
const neededWithCalico = () =>
  sum(
    atLeast(app(), appRequests(render('local+network-policies'))),
    SYSTEM_PODS,
    INGRESS_CONTROLLER,
    CALICO,
    NODE_HEADROOM,
  );

interface StartCommand {
  file: string;
  line: string;
  cpus: number | undefined;
  memoryMiB: number | undefined;
  calico: boolean;
}

/** minikube's --memory: a number of MB, or with a unit (4g, 4096m, 4gb). */
function memoryMiB(value: string): number {
  const match = /^(\d+)\s*([mg]?)b?$/i.exec(value);
  if (!match) throw new Error(`cannot read --memory=${value}`);
  return Number(match[1]) * (match[2]?.toLowerCase() === 'g' ? 1024 : 1);
}

function minikubeStarts(): StartCommand[] {
  return DOCS.flatMap((file) =>
    readFileSync(fromRoot(file), 'utf8')
      .split('\n')
      // Commands only (`minikube start` followed by its flags or the end of the command).
      .filter((line) => /(^|\s)minikube start(\s+--|\s*$|\s*&&)/.test(line))
      .map((line) => {
        const flag = (name: string) => new RegExp(`--${name}[= ]([\\w.]+)`).exec(line)?.[1];
        const memory = flag('memory');
        return {
          file,
          line: line.trim(),
          cpus: flag('cpus') === undefined ? undefined : Number(flag('cpus')),
          memoryMiB: memory === undefined ? undefined : memoryMiB(memory),
          calico: /--cni[= ]calico\b/.test(line),
        };
      }),
  );
}

describe('what the cluster must hold', () => {
  test('each Pod counts its largest init container or its containers, whichever is more', () => {
    const service = workloads(render('dev')).find((w) => w.name === 'task-service')!;
    // dev: create-tables 50m/64Mi, task-service 100m/192Mi.
    assert.deepEqual(podRequests(service), { cpu: 0.1, memory: 192 * 2 ** 20 });
    assert.equal(peakPods(service), 3, 'two replicas and one more during a rollout');
    const localstack = workloads(render('dev')).find((w) => w.name === 'localstack')!;
    assert.equal(peakPods(localstack), 1, 'Recreate: never two LocalStacks');
  });

  test('the documentation states the computed requests', () => {
    const readme = readFileSync(fromRoot('k8s/README.md'), 'utf8');
    const figures = (r: Resources) =>
      `${Math.round(r.cpu * 1000)}m CPU, ${mebibytes(r.memory)} MiB`;
    for (const [what, value] of Object.entries({ app: app(), total: needed() })) {
      assert.ok(readme.includes(figures(value)), `k8s/README.md states ${what}: ${figures(value)}`);
    }
  });
});

test('every documented `minikube start` gives at least the CPUs and memory computed', () => {
  const commands = minikubeStarts();
  assert.ok(commands.length >= 3, commands.map((c) => c.line).join('\n'));
  for (const command of commands) {
    const flags = minikubeFlags(command.calico ? neededWithCalico() : needed());
    const where = `${command.file}: ${command.line}`;
    assert.ok((command.cpus ?? 0) >= flags.cpus, `${where}: needs --cpus=${flags.cpus}`);
    assert.ok(
      (command.memoryMiB ?? 0) >= flags.memoryGiB * 1024,
      `${where}: needs --memory=${flags.memoryGiB}g`,
    );
  }
});

test('the memory documented for Docker under kind covers the app, its three nodes and headroom', () => {
  const readme = readFileSync(fromRoot('k8s/README.md'), 'utf8');
  const stated = /With kind\b[\s\S]{0,400}?at least (\d+) GiB of memory/.exec(readme)?.[1];
  assert.ok(stated, 'k8s/README.md: "at least N GiB of memory" for kind');
  const kind = sum(needed(), KIND_NODE_OVERHEAD, KIND_NODE_OVERHEAD);
  assert.ok(
    Number(stated) >= minikubeFlags(kind).memoryGiB,
    `needs ${minikubeFlags(kind).memoryGiB} GiB`,
  );
});

test('the flags parser reads what minikube accepts', () => {
  assert.equal(memoryMiB('4g'), 4096);
  assert.equal(memoryMiB('6gb'), 6144);
  assert.equal(memoryMiB('4096'), 4096);
  assert.equal(memoryMiB('4096mb'), 4096);
});
