/** skaffold.yaml: valid (v4beta14), consistent with the Dockerfiles and manifests, per profile. */
import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fromRoot, repoRoot, schemaErrors, VARIANTS } from './support/kube.ts';
import * as s from './support/skaffold.ts';

/** Published by Skaffold; kept outside the repository (../shared is provided by CI). */
const SCHEMA_PATH = path.resolve(repoRoot, '../shared/schemas/skaffold-v4beta14.json');
const ARTIFACTS = ['task-service', 'task-web', 'task-reporter', 'identity-provider'];

const config = s.loadSkaffoldConfig();
/** What Skaffold runs for `skaffold <command> [-p <named>]` against a kube context. */
const resolved = (command: string, named: string[] = [], kubeContext = 'minikube') =>
  s.resolveProfiles(config, s.profilesFor(config, { command, kubeContext }, named));
const dev = resolved('dev');
const aws = resolved('run', ['aws']);
/** `skaffold dev -p tracing`. */
const devTracing = resolved('dev', ['tracing']);
/** `skaffold dev` against the kind cluster of k8s/kind-cluster.yaml. */
const kindDev = resolved('dev', [], 'kind-task-manager');

const INGRESS_FORWARD = {
  resourceType: 'service',
  resourceName: 'ingress-nginx-controller',
  namespace: 'ingress-nginx',
  port: 80,
  localPort: 8080,
  address: 'localhost',
};

function artifact(resolved: s.SkaffoldConfig, image: string) {
  const found = resolved.build.artifacts.find((a) => a.image === image);
  if (!found) throw new Error(`no artifact ${image}`);
  return found;
}

describe('schema', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $schema?: string };
  // Skaffold's two annotation keywords for editors are declared.
  const errors = schemaErrors(schema, ['preferredOrder', 'x-intellij-html-description']);

  test('skaffold.yaml is a valid skaffold/v4beta14 Config', () => {
    // Draft-07, Ajv's default dialect.
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    const raw = s.loadSkaffoldConfig() as s.SkaffoldConfig & { apiVersion?: string; kind?: string };
    assert.deepEqual([raw.apiVersion, raw.kind], ['skaffold/v4beta14', 'Config']);
    assert.deepEqual(errors(raw), []);
  });

  test('every command, on every kind of cluster, with each profile named or none: it resolves and is valid', () => {
    // Skaffold applies the profiles that switch themselves on first, then the named ones: a
    // patch that needs what an earlier profile took away fails there, before anything is built.
    for (const command of ['dev', 'run', 'render'])
      for (const kubeContext of ['minikube', 'kind-task-manager', 'docker-desktop'])
        for (const named of [[], ['tracing'], ['aws']]) {
          const label = `skaffold ${command} ${named.map((n) => `-p ${n}`).join(' ')} on ${kubeContext}`;
          assert.deepEqual(errors(resolved(command, named, kubeContext)), [], label);
        }
  });

  test('the schema rejects a misspelt field', () => {
    const broken = s.loadSkaffoldConfig();
    Object.assign(broken.build.artifacts[0]!.docker!, { dockerFile: 'Dockerfile' });
    assert.notDeepEqual(errors(broken), []);
  });
});

describe('build', () => {
  test('the four images are built with Docker from docker/<image>.Dockerfile, context the root', () => {
    assert.deepEqual(
      config.build.artifacts.map((a) => [a.image, a.context, a.docker?.dockerfile]),
      ARTIFACTS.map((image) => [image, '.', `docker/${image}.Dockerfile`]),
    );
  });

  test("each artifact's Dockerfile exists and has the build target Skaffold asks for", () => {
    for (const [name, resolved] of Object.entries({ run: config, dev, aws })) {
      for (const artifact of resolved.build.artifacts) {
        const { image, context = '.', docker } = artifact;
        const file = fromRoot(context, docker?.dockerfile ?? 'Dockerfile');
        assert.ok(existsSync(file), `${image}: ${path.relative(repoRoot, file)} is missing`);
        assert.doesNotThrow(() => s.artifactTarget(artifact), `${name}: ${image}`);
      }
    }
  });

  test('skaffold run builds the runtime targets; skaffold dev the dev targets of service and UI', () => {
    const targets = (resolved: s.SkaffoldConfig) =>
      ARTIFACTS.map((image) => artifact(resolved, image).docker?.target);
    assert.deepEqual(targets(config), ['runtime', 'runtime', 'runtime', 'runtime']);
    // The aws profile renames the artifacts to their registry names (k8s/test/overlays.test.ts)
    // and builds no identity provider.
    const awsTargets = aws.build.artifacts.map((a) => a.docker?.target);
    assert.deepEqual(awsTargets, ['runtime', 'runtime', 'runtime']);
    assert.ok(!aws.build.artifacts.some((a) => a.image.endsWith('/identity-provider')));
    // The identity provider is a tool the app signs in with, not code developed in the cluster.
    assert.deepEqual(targets(dev), ['dev', 'dev', 'runtime', 'runtime']);
  });

  test('images are built into the local cluster, pushed only for a remote one (aws)', () => {
    assert.equal(config.build.local?.push, false);
    assert.equal(aws.build.local?.push, true);
  });

  test('node itself is PID 1 of every Node image, runtime and dev: exec-form CMD, no npm or shell', () => {
    // The kubelet's SIGTERM goes to PID 1 only; npm or a shell there would swallow it and the
    // container would be killed at the end of its grace period.
    for (const [name, resolved] of Object.entries({ run: config, dev })) {
      for (const artifact of resolved.build.artifacts) {
        const { image, docker } = artifact;
        const { cmd } = s.artifactTarget(artifact);
        // task-web's runtime target keeps its nginx base image's CMD (nginx as PID 1).
        if (cmd === undefined && image === 'task-web' && docker?.target === 'runtime') continue;
        const where = `${name}: ${image} (${docker?.target})`;
        assert.match(cmd ?? '', /^\[/, `${where}: CMD ${cmd} is not in exec form`);
        assert.equal((JSON.parse(cmd!) as string[])[0], 'node', `${where}: CMD ${cmd}`);
      }
    }
  });

  test('the images run from a WORKDIR that mirrors the repository root', () => {
    // The manifests run `node packages/task-store/dist/...`, and sync destinations are relative.
    for (const [resolved, image] of [
      [config, 'task-service'],
      [config, 'task-reporter'],
      [config, 'identity-provider'],
      [dev, 'task-service'],
      [dev, 'task-web'],
    ] as const) {
      const { workdir, name } = s.artifactTarget(artifact(resolved, image));
      assert.equal(workdir, '/app', `${image} (${name})`);
    }
  });
});

describe('skaffold dev', () => {
  test('the dev profile is switched on by `skaffold dev` alone', () => {
    for (const kubeContext of ['minikube', 'kind-task-manager']) {
      const activated = ['dev', 'run', 'render'].map((command) =>
        s.profilesFor(config, { command, kubeContext }),
      );
      assert.deepEqual(activated, [['dev'], [], []], kubeContext);
    }
  });

  test("task-service syncs its TypeScript and task-store's; the UI syncs its sources", () => {
    const sources = (image: string) =>
      (artifact(dev, image).sync?.manual ?? []).map((rule) => rule.src);
    assert.deepEqual(sources('task-service'), [
      'services/task-service/src/**/*.ts',
      'packages/task-store/src/**/*.ts',
      'packages/telemetry/src/**/*.ts',
    ]);
    assert.ok(sources('task-web').includes('web/src/**'));
    assert.deepEqual(sources('task-reporter'), []);
    assert.deepEqual(sources('identity-provider'), []);
    for (const image of ARTIFACTS) assert.equal(artifact(config, image).sync, undefined);
  });

  test('every sync rule matches files that the dev image copies in, at the same path', () => {
    for (const artifact of dev.build.artifacts) {
      const { image, context = '.', docker, sync } = artifact;
      const stage = s.artifactTarget(artifact);
      for (const rule of sync?.manual ?? []) {
        const files = globSync(rule.src, { cwd: fromRoot(context) });
        assert.ok(files.length > 0, `${image}: ${rule.src} matches no file`);
        assert.equal(rule.dest, '.', `${image}: ${rule.src} lands beside the copied sources`);
        assert.equal(rule.strip, undefined);
        const prefix = rule.src.split(/[*?[{]/)[0]!;
        const copied = stage.copies.some((source) => {
          const dir = source.replace(/\/$/, '');
          return prefix === dir || prefix.startsWith(`${dir}/`);
        });
        assert.ok(copied, `${image}: the ${docker?.target} stage does not COPY ${prefix}`);
      }
    }
  });
});

describe('manifests and deploy', () => {
  test('run renders k8s/overlays/local, dev k8s/overlays/dev, aws k8s/overlays/aws', () => {
    assert.deepEqual(config.manifests.kustomize?.paths, [VARIANTS.local]);
    assert.deepEqual(dev.manifests.kustomize?.paths, [VARIANTS.dev]);
    assert.deepEqual(aws.manifests.kustomize?.paths, [VARIANTS.aws]);
  });

  test('deploys with kubectl, waits for the workloads to become ready, and before deploying locally a host hook creates the sign-in Secret; never on aws', () => {
    assert.deepEqual(Object.keys(config.deploy.kubectl ?? {}), ['hooks']);
    assert.equal(config.deploy.statusCheck, true);
    const hooks = (deploying: s.SkaffoldConfig) => deploying.deploy.kubectl?.hooks;
    const expected = {
      before: [{ host: { command: ['sh', 'k8s/create-dev-secret.sh'], os: ['darwin', 'linux'] } }],
    };
    for (const [name, deploying] of Object.entries({ run: config, dev, kindDev })) {
      assert.deepEqual(hooks(deploying), expected, name);
    }
    // dev-secret.test.ts runs that script.
    // On aws the Secret holds your provider's real client secret: a random one would break
    // sign-in (k8s/README.md). Nothing else is run there either.
    assert.equal(hooks(aws), undefined);
  });

  test("forwards localhost:8080 to the ingress controller (minikube's addon, kind's manifest)", () => {
    for (const forwarding of [config, dev, kindDev]) {
      assert.deepEqual(forwarding.portForward, [INGRESS_FORWARD]);
    }
  });

  // kind.test.ts checks that kind-cluster.yaml maps no port of this machine itself.
  test("on kind's context, the same as on minikube: the port-forward is the one way in", () => {
    assert.deepEqual(kindDev, dev);
  });
});

describe('skaffold dev -p tracing', () => {
  test('is asked for by name, never switched on by itself', () => {
    const tracing = config.profiles?.find((profile) => profile.name === 'tracing');
    assert.ok(tracing);
    assert.equal(tracing.activation, undefined);
  });

  test('deploys the dev overlay with the tracing component, from the same dev images', () => {
    assert.deepEqual(devTracing.manifests.kustomize?.paths, [VARIANTS['dev+tracing']]);
    assert.deepEqual(devTracing.build, dev.build);
  });

  test("forwards Jaeger's UI to localhost:16686, beside the ingress on 8080", () => {
    assert.deepEqual(devTracing.portForward, [
      INGRESS_FORWARD,
      {
        resourceType: 'service',
        resourceName: 'jaeger',
        port: 16686,
        localPort: 16686,
        address: 'localhost',
      },
    ]);
    // tracing.test.ts: the jaeger Service of dev+tracing has that port, named ui.
  });
});
