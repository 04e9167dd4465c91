/** What kubernetes-models cannot see: the references between objects resolve. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import * as k from './support/kube.ts';

for (const variant of k.ALL_VARIANTS) {
  describe(variant, () => {
    const objects = () => k.render(variant);
    const ofKind = <T>(kind: string) => k.ofKind<T>(objects(), kind);
    const pods = () => k.workloads(objects());
    const selected = (selector: k.LabelSelector = {}) =>
      pods().filter((w) => k.selects(selector, w.podLabels));

    test('Deployment and CronJob selectors/labels select their own Pods', () => {
      for (const { metadata, spec } of ofKind<IDeployment>('Deployment')) {
        const labels = spec?.template.metadata?.labels ?? {};
        assert.ok(k.matchesSelector(labels, spec?.selector.matchLabels), metadata.name);
      }
      for (const { metadata, spec } of ofKind<ICronJob>('CronJob')) {
        const labels = spec?.jobTemplate.spec?.template.metadata?.labels ?? {};
        assert.equal(labels['app.kubernetes.io/name'], metadata.name);
      }
    });

    test('each Service selects exactly one workload, on a port its containers declare', () => {
      for (const { metadata, spec } of ofKind<IService>('Service')) {
        for (const { port, name } of spec?.ports ?? []) {
          const backend = k.serviceBackend(objects(), metadata.name, port);
          assert.equal(backend.workload, metadata.name);
          assert.ok(backend.containerPort, `Service/${metadata.name} ${name}`);
        }
      }
    });

    test('the Ingress sends /api and /auth to task-service, /idp to the provider (locally), the rest to task-web', () => {
      const [ingress, ...others] = ofKind<IIngress>('Ingress');
      assert.deepEqual([ingress?.metadata.name, others.length], ['task-manager', 0]);
      const [rule, ...more] = ingress!.spec?.rules ?? [];
      assert.equal(more.length, 0);
      // Locally no host: it answers at localhost:8080; aws serves its own host (sign-in.test.ts).
      const aws = variant.startsWith('aws');
      // ingress-nginx on the local clusters; the AWS Load Balancer Controller's ALB on aws.
      assert.equal(ingress!.spec?.ingressClassName, aws ? 'alb' : 'nginx');
      assert.equal(rule!.host === undefined, !aws, 'host');
      const routes = (rule!.http?.paths ?? []).map(({ path, pathType, backend }) => {
        const { name, port } = backend.service ?? {};
        return [path, pathType, name, port?.name];
      });
      const idp = aws ? [] : [['/idp', 'Prefix', 'identity-provider', 'http']];
      const expected = [
        ['/api', 'Prefix', 'task-service', 'http'],
        ['/auth', 'Prefix', 'task-service', 'http'],
        ...idp,
      ];
      assert.deepEqual(routes, [...expected, ['/', 'Prefix', 'task-web', 'http']]);
      for (const [, , name, port] of routes) k.serviceBackend(objects(), name!, port!);
    });

    test('ServiceAccounts, volumes and probe ports referenced by Pods exist', () => {
      const accounts = ofKind('ServiceAccount').map((o) => o.metadata.name);
      for (const workload of pods()) {
        const account = workload.pod.serviceAccountName;
        const exists = account === undefined || accounts.includes(account);
        assert.ok(exists, `${workload.name}: ${account}`);
        const volumes = (workload.pod.volumes ?? []).map((v) => v.name);
        for (const { id, container } of k.containers(workload)) {
          for (const { name } of container.volumeMounts ?? [])
            assert.ok(volumes.includes(name), `${id}: volume ${name}`);
        }
      }
    });

    test('NetworkPolicies select existing Pods and allow ports those Pods declare', () => {
      for (const policy of ofKind<INetworkPolicy>('NetworkPolicy')) {
        const where = k.objectName(policy);
        const targets = selected(policy.spec?.podSelector);
        // The LocalStack and identity provider policies are inert (select nothing) where those
        // are not deployed (aws): exactly when no workload bears the name the policy is for.
        const target = policy.metadata.labels?.['app.kubernetes.io/name'];
        const inert = target !== 'task-manager' && !pods().some((w) => w.name === target);
        assert.equal(targets.length === 0, inert, `${where} selects ${targets.length}`);
        for (const rule of policy.spec?.ingress ?? []) {
          for (const { port } of rule.ports ?? []) {
            for (const { name, pod } of targets) {
              assert.ok(k.findPort(pod.containers, port!), `${where}: ${name}`);
            }
          }
          for (const { podSelector, namespaceSelector } of rule.from ?? []) {
            if (podSelector && !namespaceSelector) {
              assert.ok(selected(podSelector).length > 0, `${where}: a source selects no Pod`);
            }
          }
        }
      }
    });

    test('disruption budgets select a workload they can never block entirely', () => {
      for (const budget of ofKind<IPodDisruptionBudget>('PodDisruptionBudget')) {
        const [workload, ...others] = selected(budget.spec?.selector);
        const where = k.objectName(budget);
        assert.ok(workload && others.length === 0, where);
        const { minAvailable, maxUnavailable } = budget.spec ?? {};
        if (minAvailable !== undefined)
          assert.ok((workload.replicas ?? 1) > Number(minAvailable), where);
        else assert.ok(Number(maxUnavailable) >= 1, where);
      }
    });

    test('the autoscaler targets a Deployment whose containers request the metric it scales on', () => {
      for (const hpa of ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')) {
        const target = hpa.spec?.scaleTargetRef;
        const workload = pods().find((w) => w.kind === target?.kind && w.name === target?.name);
        assert.ok(workload, k.objectName(hpa));
        for (const metric of hpa.spec?.metrics ?? []) {
          const resource = metric.resource?.name;
          assert.ok(resource, `${k.objectName(hpa)}: resource metrics only`);
          for (const container of workload.pod.containers) {
            assert.ok(container.resources?.requests?.[resource], `${container.name} ${resource}`);
          }
        }
        // spec.replicas would reset the autoscaler on every apply.
        assert.equal(workload.replicas, undefined, `${k.objectName(hpa)} owns spec.replicas`);
      }
    });
  });
}
