/**
 * What kubernetes-models cannot see: references between objects. Selectors that select,
 * named ports that exist, Ingress backends, ServiceAccounts, volumes, NetworkPolicies,
 * the autoscaler's target and the disruption budgets.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import { containers, matchesSelector, ofKind, workloads, type Workload } from './support/kube.ts';
import { selects } from './support/network.ts';
import { ALL_VARIANTS, objectName, render } from './support/render.ts';

function declaresPort(workload: Workload, port: number | string): boolean {
  return workload.pod.containers.some((c) =>
    (c.ports ?? []).some((p) =>
      typeof port === 'number' ? p.containerPort === port : p.name === port,
    ),
  );
}

for (const variant of ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => render(variant);
    const pods = () => workloads(objects());

    test('Deployment and CronJob selectors/labels select their own Pods', () => {
      for (const object of ofKind<IDeployment>(objects(), 'Deployment')) {
        const labels = object.spec?.template.metadata?.labels ?? {};
        assert.ok(matchesSelector(labels, object.spec?.selector.matchLabels), objectName(object));
      }
      for (const object of ofKind<ICronJob>(objects(), 'CronJob')) {
        const template = object.spec?.jobTemplate.spec?.template.metadata?.labels ?? {};
        assert.equal(template['app.kubernetes.io/name'], object.metadata.name);
      }
    });

    test('each Service selects exactly one workload, on a port its containers declare', () => {
      for (const service of ofKind<IService>(objects(), 'Service')) {
        const backing = pods().filter((w) => matchesSelector(w.podLabels, service.spec?.selector));
        assert.deepEqual(
          backing.map((w) => w.name),
          [service.metadata.name],
          objectName(service),
        );
        for (const port of service.spec?.ports ?? []) {
          assert.ok(
            declaresPort(backing[0]!, port.targetPort ?? port.port),
            `${objectName(service)} ${port.name}`,
          );
        }
      }
    });

    test('the Ingress sends /api and /auth to task-service, /idp to the provider (locally), the rest to task-web', () => {
      const [ingress, ...others] = ofKind<IIngress>(objects(), 'Ingress');
      assert.equal(others.length, 0);
      assert.equal(ingress!.metadata.name, 'task-manager');
      assert.equal(ingress!.spec?.ingressClassName, 'nginx');
      const rules = ingress!.spec?.rules ?? [];
      assert.equal(rules.length, 1);
      // Locally no host, so it answers at localhost:8080; aws serves its own host (sign-in.test.ts).
      assert.equal(rules[0]!.host === undefined, !variant.startsWith('aws'), 'host');
      const routes = (rules[0]!.http?.paths ?? []).map((p) => [
        p.path,
        p.pathType,
        p.backend.service?.name,
        p.backend.service?.port?.name,
      ]);
      assert.deepEqual(routes, [
        ['/api', 'Prefix', 'task-service', 'http'],
        ['/auth', 'Prefix', 'task-service', 'http'],
        ...(variant.startsWith('aws') ? [] : [['/idp', 'Prefix', 'identity-provider', 'http']]),
        ['/', 'Prefix', 'task-web', 'http'],
      ]);
      for (const [, , name, portName] of routes) {
        const service = ofKind<IService>(objects(), 'Service').find(
          (s) => s.metadata.name === name,
        );
        assert.ok(
          service?.spec?.ports?.some((p) => p.name === portName),
          `${name}:${portName}`,
        );
      }
    });

    test('ServiceAccounts, volumes and probe ports referenced by Pods exist', () => {
      const accounts = new Set(ofKind(objects(), 'ServiceAccount').map((o) => o.metadata.name));
      for (const workload of pods()) {
        const account = workload.pod.serviceAccountName;
        if (account !== undefined) assert.ok(accounts.has(account), `${workload.name}: ${account}`);
        const volumes = new Set((workload.pod.volumes ?? []).map((v) => v.name));
        for (const ref of containers(workload)) {
          for (const mount of ref.container.volumeMounts ?? []) {
            assert.ok(volumes.has(mount.name), `${ref.id}: volume ${mount.name}`);
          }
        }
      }
    });

    test('NetworkPolicies select existing Pods and allow ports those Pods declare', () => {
      for (const policy of ofKind<INetworkPolicy>(objects(), 'NetworkPolicy')) {
        const selected = pods().filter((w) => selects(policy.spec?.podSelector ?? {}, w.podLabels));
        // The LocalStack and identity provider policies are inert (select nothing) where those
        // are not deployed (aws): exactly when no workload bears the name the policy is for.
        const target = policy.metadata.labels?.['app.kubernetes.io/name'];
        const inert = target !== 'task-manager' && !pods().some((w) => w.name === target);
        assert.equal(
          selected.length === 0,
          inert,
          `${objectName(policy)} selects ${selected.length}`,
        );
        for (const rule of policy.spec?.ingress ?? []) {
          for (const port of rule.ports ?? []) {
            for (const workload of selected) {
              assert.ok(
                declaresPort(workload, port.port!),
                `${objectName(policy)}: ${workload.name}`,
              );
            }
          }
          for (const peer of rule.from ?? []) {
            if (peer.podSelector && !peer.namespaceSelector) {
              const sources = pods().filter((w) => selects(peer.podSelector!, w.podLabels));
              assert.ok(sources.length > 0, `${objectName(policy)}: a source selects no Pod`);
            }
          }
        }
      }
    });

    test('disruption budgets select a workload they can never block entirely', () => {
      for (const budget of ofKind<IPodDisruptionBudget>(objects(), 'PodDisruptionBudget')) {
        const selected = pods().filter((w) => selects(budget.spec?.selector ?? {}, w.podLabels));
        assert.equal(selected.length, 1, objectName(budget));
        const replicas = selected[0]!.replicas ?? 1;
        if (budget.spec?.minAvailable !== undefined) {
          assert.ok(replicas > Number(budget.spec.minAvailable), objectName(budget));
        } else {
          assert.ok(Number(budget.spec?.maxUnavailable) >= 1, objectName(budget));
        }
      }
    });

    test('the autoscaler targets a Deployment whose containers request the metric it scales on', () => {
      for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects(), 'HorizontalPodAutoscaler')) {
        const target = hpa.spec?.scaleTargetRef;
        const workload = pods().find((w) => w.kind === target?.kind && w.name === target?.name);
        assert.ok(workload, objectName(hpa));
        for (const metric of hpa.spec?.metrics ?? []) {
          const resource = metric.resource?.name;
          assert.ok(resource, `${objectName(hpa)}: resource metrics only`);
          for (const container of workload.pod.containers) {
            assert.ok(container.resources?.requests?.[resource], `${container.name} ${resource}`);
          }
        }
        assert.equal(workload.replicas, undefined, `${objectName(hpa)} owns spec.replicas`);
      }
    });
  });
}
